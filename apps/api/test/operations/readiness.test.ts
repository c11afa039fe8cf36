import { connect, createServer, type Server, type Socket } from "node:net";
import { createDatabase } from "@learning-hub/db";
import { createClientConnection } from "@learning-hub/queue";
import { createStorage } from "@learning-hub/storage";
import { TcpProxy, testServices } from "@learning-hub/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { HealthService, READINESS_TIMEOUTS_MS } from "../../src/services/health-service";
import { createTestApp, type TestApp } from "../support/app";

const s3 = new URL(inject("s3Endpoint"));
const services = testServices();
const redisAddress = new URL(services.redisUrl);
/** Every dependency of the app reached through a proxy the test can cut. */
const proxies = {
  database: TcpProxy.forUrl(services.postgresAdminUrl),
  redis: TcpProxy.forUrl(services.redisUrl),
  storage: new TcpProxy(s3.hostname, Number(s3.port)),
};
let t: TestApp;

beforeAll(async () => {
  for (const proxy of Object.values(proxies)) await proxy.start();
  t = await createTestApp({
    override: (deps) => ({
      database: createDatabase({
        url: proxies.database.proxiedUrl(deps.config.database.url),
        connectTimeoutSeconds: 2,
      }),
      // Outages are the point here; without a listener ioredis prints each one as unhandled.
      redis: createClientConnection(proxies.redis.proxiedUrl(services.redisUrl)).on("error", () => {}),
      storage: createStorage({ ...deps.config.storage, endpoint: `${s3.protocol}//127.0.0.1:${proxies.storage.port}` }),
    }),
  });
  // The overriding Redis client connects in the background; readiness is what these tests look at.
  if (t.deps.redis.status !== "ready") await new Promise((resolve) => t.deps.redis.once("ready", resolve));
});

afterAll(async () => {
  await t?.close();
  t?.deps.redis.disconnect();
  await t?.deps.database.close();
  for (const proxy of Object.values(proxies)) await proxy.stop();
});

const ready = () => t.app.inject({ method: "GET", url: "/ready" });
const live = () => t.app.inject({ method: "GET", url: "/health" });

/** Polls `/ready` until it answers 200 again (clients reconnect with a backoff). */
async function untilReady(): Promise<void> {
  const deadline = Date.now() + 15_000;
  while ((await ready()).statusCode !== 200) {
    if (Date.now() > deadline) throw new Error("/ready did not recover");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("GET /ready", () => {
  it("answers 200 with every check ok while PostgreSQL, Redis and storage answer", async () => {
    const response = await ready();
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: "ready", checks: { database: "ok", redis: "ok", storage: "ok" } });
  });

  it("answers 503 while Redis is unreachable, while /health still answers 200, and recovers", async () => {
    await proxies.redis.pause();
    try {
      const response = await ready();
      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual({
        error: {
          code: "INTERNAL_ERROR",
          message: "Not ready: redis unavailable",
          details: { checks: { database: "ok", redis: "error", storage: "ok" } },
        },
      });
      const liveness = await live();
      expect(liveness.statusCode).toBe(200);
      expect(liveness.json()).toMatchObject({ status: "healthy" });
    } finally {
      await proxies.redis.resume();
    }
    await untilReady();
  });

  it("answers 503 while storage is unreachable, and recovers", async () => {
    await proxies.storage.pause();
    try {
      const response = await ready();
      expect(response.statusCode).toBe(503);
      expect(response.json().error).toEqual({
        code: "INTERNAL_ERROR",
        message: "Not ready: storage unavailable",
        details: { checks: { database: "ok", redis: "ok", storage: "error" } },
      });
      expect((await live()).statusCode).toBe(200);
    } finally {
      await proxies.storage.resume();
    }
    await untilReady();
  });

  it("answers 503 DATABASE_ERROR when the database is among the failures", async () => {
    await proxies.database.pause();
    await proxies.redis.pause();
    try {
      const response = await ready();
      expect(response.statusCode).toBe(503);
      expect(response.json().error).toMatchObject({
        code: "DATABASE_ERROR",
        details: { checks: { database: expect.stringMatching(/^(error|timeout)$/), redis: "error", storage: "ok" } },
      });
      expect((await live()).statusCode).toBe(200);
    } finally {
      await proxies.database.resume();
      await proxies.redis.resume();
    }
    await untilReady();
  });

  it("is documented in the OpenAPI document under operations", async () => {
    const document = (await t.app.inject({ method: "GET", url: "/openapi.json" })).json();
    const operation = document.paths["/ready"].get;
    expect(operation.tags).toEqual(["operations"]);
    // 503 when not ready; 429 and 500 as every rate-limited route (the route policy adds them).
    expect(Object.keys(operation.responses).sort()).toEqual(["200", "429", "500", "503"]);
  });
});

describe("readiness checks that hang", () => {
  const sockets = new Set<Socket>();
  let relay: Server;
  let frozen = false;

  beforeAll(async () => {
    // Forwards to Redis until frozen, then drops what clients send: a Redis that hangs rather than refuses.
    relay = createServer((client) => {
      const upstream = connect(Number(redisAddress.port || 6379), redisAddress.hostname);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
        socket.on("error", () => socket.destroy());
      }
      client.on("data", (chunk) => frozen || upstream.write(chunk));
      upstream.pipe(client);
    });
    await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => relay.close(resolve));
  });

  it("reports a timeout within the check's bound instead of waiting for the dependency", async () => {
    const { port } = relay.address() as { port: number };
    const hungRedis = createClientConnection(`redis://127.0.0.1:${port}`);
    try {
      await new Promise((resolve) => hungRedis.once("ready", resolve));
      const health = new HealthService(t.env.config, t.env.database, hungRedis, t.env.storage);
      expect((await health.readiness()).checks.redis).toBe("ok");

      frozen = true;
      const started = Date.now();
      const failure = await health.readiness().catch((error: unknown) => error);
      const elapsed = Date.now() - started;
      expect(failure).toMatchObject({
        statusCode: 503,
        code: "INTERNAL_ERROR",
        details: { checks: { database: "ok", redis: "timeout", storage: "ok" } },
      });
      expect(elapsed).toBeGreaterThanOrEqual(READINESS_TIMEOUTS_MS.redis - 50);
      expect(elapsed).toBeLessThan(READINESS_TIMEOUTS_MS.redis + 1_000);
    } finally {
      hungRedis.disconnect();
    }
  });
});
