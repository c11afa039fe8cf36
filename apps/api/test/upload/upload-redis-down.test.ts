import { createServer } from "node:net";
import { createClientConnection, JobQueues, jobSettings } from "@learning-hub/queue";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app";
import { registerUser } from "../support/auth";
import { fixture, multipartForm } from "../support/multipart";
import { postUpload, rowsOf } from "../support/uploads";

/** A port nothing listens on: bound once by us, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let t: TestApp;
let deadRedis: Redis;
let deadQueues: JobQueues;

beforeAll(async () => {
  deadRedis = createClientConnection(`redis://127.0.0.1:${await closedPort()}`);
  deadRedis.on("error", () => {}); // refused connections are expected here
  t = await createTestApp({
    override: (base) => {
      deadQueues = new JobQueues({
        connection: deadRedis,
        prefix: base.config.redis.prefix,
        settings: jobSettings(base.config),
      });
      for (const queue of deadQueues.all()) queue.on("error", () => {});
      return { queues: deadQueues };
    },
  });
});
afterAll(async () => {
  await t.close();
  await deadQueues.close();
  deadRedis.disconnect();
});

describe("POST /api/v1/upload while Redis is down", () => {
  it("still stores the material, leaving its thumbnail pending for the sweep", async () => {
    const user = await registerUser(t.app);
    const form = multipartForm([
      { name: "title", value: "No queue" },
      { name: "file", filename: "no-queue.mp4", content: fixture("sample-720p.mp4") },
    ]);
    const started = Date.now();
    const response = await postUpload(t, user.accessToken, form);
    expect(response.statusCode, response.body).toBe(201);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(response.json()).toMatchObject({ status: "active", thumbnail_status: "pending" });

    const [row] = await rowsOf(t, user.id);
    expect(row).toMatchObject({ status: "active", thumbnailStatus: "pending" });
    expect(await t.env.storage.exists(response.json().file_path)).toBe(true);
    // Nothing reached the real Redis either.
    expect(await t.queues.thumbnails.getJob(`thumbnail-${row?.id}`)).toBeUndefined();
  });
});
