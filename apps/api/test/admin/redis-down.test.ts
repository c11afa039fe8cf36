import { createServer } from "node:net";
import { createClientConnection, JobQueues, jobSettings } from "@learning-hub/queue";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app";
import { bearer, makeAdmin, type RegisteredUser, registerUser } from "../support/auth";

/** A port nothing listens on: bound once by us, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Every admin answer while Redis is down comes within this. */
const BOUND_MS = 5_000;

let t: TestApp;
let deadRedis: Redis;
let deadQueues: JobQueues;
let admin: RegisteredUser;

beforeAll(async () => {
  // A fresh API whose Redis was never reachable: no connection ever became ready.
  deadRedis = createClientConnection(`redis://127.0.0.1:${await closedPort()}`, { commandTimeout: 500 });
  deadRedis.on("error", () => {});
  t = await createTestApp({
    override: (base) => {
      deadQueues = new JobQueues({
        connection: deadRedis,
        prefix: base.config.redis.prefix,
        settings: jobSettings(base.config),
      });
      for (const queue of deadQueues.all()) queue.on("error", () => {});
      return { redis: deadRedis, queues: deadQueues };
    },
  });
  admin = await registerUser(t.app);
  await makeAdmin(t, admin.id);
});
afterAll(async () => {
  await t.close();
  await deadQueues.close();
  deadRedis.disconnect();
});

describe("admin routes while Redis is down", () => {
  it.each([
    ["GET", "/scheduler/status", undefined],
    ["GET", "/jobs/failed?queue=thumbnails", undefined],
    ["POST", "/jobs/thumbnails/thumbnail-1/retry", undefined],
    ["POST", "/cleanup", {}],
    ["POST", "/cleanup", {}],
  ] as const)("%s %s answers 503 naming Redis within the bound", async (method, path, payload) => {
    const started = Date.now();
    const response = await t.app.inject({
      method,
      url: `/api/v1/admin${path}`,
      headers: bearer(admin.accessToken),
      payload,
    });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(BOUND_MS);
    expect(response.statusCode, response.body).toBe(503);
    expect(response.json().error).toMatchObject({ code: "SERVICE_UNAVAILABLE", details: { dependency: "redis" } });
  });

  it("pause still saves the state (workers apply it when Redis is back), within the bound", async () => {
    const started = Date.now();
    const response = await t.app.inject({
      method: "POST",
      url: "/api/v1/admin/scheduler/jobs/cleanup_job/pause",
      headers: bearer(admin.accessToken),
    });
    expect(Date.now() - started).toBeLessThan(BOUND_MS);
    expect(response.statusCode, response.body).toBe(200);
  });
});
