import { createDatabase } from "@learning-hub/db";
import { TcpProxy, testServices } from "@learning-hub/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./support/app";

describe("health", () => {
  let t: TestApp;
  const proxy = TcpProxy.forUrl(testServices().postgresAdminUrl);

  beforeAll(async () => {
    await proxy.start();
    t = await createTestApp({
      override: (deps) => ({
        // The app reaches PostgreSQL through a proxy the test can cut.
        database: createDatabase({
          url: proxy.proxiedUrl(deps.config.database.url),
          connectTimeoutSeconds: 2,
        }),
      }),
    });
  });
  afterAll(async () => {
    await t.deps.database.close();
    await t.close();
    await proxy.stop();
  });

  it("GET /health answers with status, version and environment", async () => {
    const res = await t.app.inject({ method: "GET", url: "/health" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: "healthy", version: "1.0.0", environment: "test" });
  });

  it("GET /api/v1/health/db reports a connected database", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/v1/health/db" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: "healthy", database: "connected" });
  });

  it("answers 503 DATABASE_ERROR while PostgreSQL is unreachable, and recovers without a restart", async () => {
    await proxy.pause();
    const down = await t.app.inject({ method: "GET", url: "/api/v1/health/db" });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toEqual({ error: { code: "DATABASE_ERROR", message: expect.any(String), details: {} } });

    const live = await t.app.inject({ method: "GET", url: "/health" });
    expect(live.statusCode).toBe(200);

    await proxy.resume();
    const up = await t.app.inject({ method: "GET", url: "/api/v1/health/db" });
    expect(up.statusCode).toBe(200);
    expect(up.json()).toEqual({ status: "healthy", database: "connected" });
  });

  it("answers 503 DATABASE_ERROR within 5 s while PostgreSQL is frozen with warm pool connections", async () => {
    // Warm the pool: the frozen connections are already open, so no connect timeout can help.
    expect((await t.app.inject({ method: "GET", url: "/api/v1/health/db" })).statusCode).toBe(200);
    proxy.freeze();
    try {
      const started = Date.now();
      const frozen = await t.app.inject({ method: "GET", url: "/api/v1/health/db" });
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(frozen.statusCode).toBe(503);
      expect(frozen.json().error.code).toBe("DATABASE_ERROR");
    } finally {
      proxy.thaw();
    }
    const thawed = await t.app.inject({ method: "GET", url: "/api/v1/health/db" });
    expect(thawed.statusCode).toBe(200);
  });
});
