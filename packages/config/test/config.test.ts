import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src";

const base = {
  DATABASE_URL: "postgres://postgres@127.0.0.1:5432/lh",
  REDIS_URL: "redis://127.0.0.1:6379",
  S3_ENDPOINT: "http://127.0.0.1:9000",
};

describe("loadConfig", () => {
  it("applies the documented defaults", () => {
    const config = loadConfig(base);
    expect(config.http.port).toBe(8000);
    expect(config.auth.accessTokenTtlSeconds).toBe(1800);
    expect(config.auth.refreshTokenTtlSeconds).toBe(7 * 86400);
    expect(config.storage.bucket).toBe("materials");
    expect(config.storage.publicUrl).toBe("http://localhost:9000/materials");
    expect(config.rateLimit.enabled).toBe(false);
    expect(config.http.corsOrigins).toBe("*");
    expect(config.cleanup).toEqual({
      schedule: "0 * * * *",
      orphanGraceMinutes: 60,
      timeoutSeconds: 120,
      reconcileSeconds: 30,
    });
  });

  it("converts numbers, booleans and lists", () => {
    const config = loadConfig({
      ...base,
      PORT: "8123",
      RATE_LIMIT_ENABLED: "true",
      CORS_ORIGINS: "http://a.test, http://b.test",
    });
    expect(config.http.port).toBe(8123);
    expect(config.rateLimit.enabled).toBe(true);
    expect(config.http.corsOrigins).toEqual(["http://a.test", "http://b.test"]);
  });

  it("names the variable of a bad value", () => {
    expect(() => loadConfig({ ...base, PORT: "eighty" })).toThrow(/PORT/);
    expect(() => loadConfig({ ...base, DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ ...base, LOG_LEVEL: "loud" })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, SCHEDULER_RECONCILE_SECONDS: "0" })).toThrow(/SCHEDULER_RECONCILE_SECONDS/);
  });

  it("refuses a TEXT_BACKFILL_SCHEDULE that is not a cron pattern, naming the variable", () => {
    expect(() => loadConfig({ ...base, TEXT_BACKFILL_SCHEDULE: "often" })).toThrow(
      /TEXT_BACKFILL_SCHEDULE: not a cron pattern \(.+\)/,
    );
    expect(loadConfig(base).search.backfillSchedule).toBe("*/15 * * * *");
  });

  it("refuses a CLEANUP_SCHEDULE that is not a cron pattern, naming the variable", () => {
    expect(() => loadConfig({ ...base, CLEANUP_SCHEDULE: "every hour" })).toThrow(
      /CLEANUP_SCHEDULE: not a cron pattern \(.+\)/,
    );
    expect(() => loadConfig({ ...base, CLEANUP_SCHEDULE: "61 * * * *" })).toThrow(/CLEANUP_SCHEDULE/);
    expect(() => loadConfig({ ...base, CLEANUP_SCHEDULE: " " })).toThrow(/CLEANUP_SCHEDULE/);
    expect(loadConfig({ ...base, CLEANUP_SCHEDULE: " */15 * * * * " }).cleanup.schedule).toBe("*/15 * * * *");
    // Every second (six fields): the scheduler tests run the cleanup that often.
    expect(loadConfig({ ...base, CLEANUP_SCHEDULE: "* * * * * *" }).cleanup.schedule).toBe("* * * * * *");
  });

  it("names every bad variable at once", () => {
    expect(() => loadConfig({ ...base, PORT: "eighty", CLEANUP_SCHEDULE: "every hour" })).toThrow(
      /PORT[\s\S]*CLEANUP_SCHEDULE/,
    );
  });

  it("names a missing required variable", () => {
    expect(() => loadConfig({ REDIS_URL: base.REDIS_URL, S3_ENDPOINT: base.S3_ENDPOINT })).toThrow(/DATABASE_URL/);
  });

  it("refuses production without a real JWT secret", () => {
    expect(() => loadConfig({ ...base, NODE_ENV: "production" })).toThrow(/JWT_SECRET/);
    expect(() => loadConfig({ ...base, NODE_ENV: "production", JWT_SECRET: "short-but-16chars" })).toThrow(
      /JWT_SECRET/,
    );
    const config = loadConfig({ ...base, NODE_ENV: "production", JWT_SECRET: "x".repeat(40) });
    expect(config.env).toBe("production");
  });

  it("bounds waiting on PostgreSQL, Redis and storage by default", () => {
    const config = loadConfig(base);
    expect(config.database.statementTimeoutMs).toBe(10_000);
    expect(config.redis.commandTimeoutMs).toBe(2_000);
    expect(config.storage.timeoutMs).toBe(10_000);
    expect(() => loadConfig({ ...base, STORAGE_TIMEOUT_MS: "0" })).toThrow(/STORAGE_TIMEOUT_MS/);
  });

  it("serves /docs unless turned off, and not in production unless turned on", () => {
    expect(loadConfig(base).http.docsEnabled).toBe(true);
    expect(loadConfig({ ...base, DOCS_ENABLED: "false" }).http.docsEnabled).toBe(false);
    const production = { ...base, NODE_ENV: "production", JWT_SECRET: "x".repeat(40) };
    expect(loadConfig(production).http.docsEnabled).toBe(false);
    expect(loadConfig({ ...production, DOCS_ENABLED: "true" }).http.docsEnabled).toBe(true);
  });

  it("trusts no proxy unless TRUST_PROXY says which", () => {
    expect(loadConfig(base).http.trustProxy).toBe(false);
    expect(loadConfig({ ...base, TRUST_PROXY: "false" }).http.trustProxy).toBe(false);
    expect(loadConfig({ ...base, TRUST_PROXY: "2" }).http.trustProxy).toBe(2);
    expect(
      loadConfig({ ...base, TRUST_PROXY: "10.0.0.0/8, 127.0.0.1, ::1, fd00::/8, loopback" }).http.trustProxy,
    ).toEqual(["10.0.0.0/8", "127.0.0.1", "::1", "fd00::/8", "loopback"]);
    for (const bad of ["true", "10.0.0.0/33", "proxy.example", "1.2.3.4/8/1", "::1/129"]) {
      expect(() => loadConfig({ ...base, TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY/);
    }
  });
});
