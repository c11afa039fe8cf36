import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app";

const envelope = (code: string) => ({ error: { code, message: expect.any(String), details: expect.any(Object) } });

describe("rate limiting", () => {
  describe("enabled, two API processes sharing Redis", () => {
    let a: TestApp;
    let b: TestApp;

    beforeAll(async () => {
      // Same Redis prefix: the two apps stand for two API processes of one deployment.
      const env = {
        RATE_LIMIT_ENABLED: "true",
        RATE_LIMIT_MAX: "6",
        RATE_LIMIT_AUTH_MAX: "3",
        RATE_LIMIT_WINDOW_SECONDS: "60",
        REDIS_PREFIX: `lhtest:rl:${randomBytes(4).toString("hex")}`,
      };
      a = await createTestApp({ env });
      b = await createTestApp({ env });
    });
    afterAll(async () => {
      await a?.close();
      await b?.close();
    });

    const login = (t: TestApp) =>
      t.app.inject({
        method: "POST",
        url: "/api/v1/auth/login",
        payload: { email: "nobody@example.com", password: "whatever-1" },
      });

    it("login: the stricter limit holds across processes; then 429 RATE_LIMIT_EXCEEDED with Retry-After", async () => {
      expect((await login(a)).statusCode).toBe(401);
      expect((await login(b)).statusCode).toBe(401);
      expect((await login(a)).statusCode).toBe(401);

      const limited = await login(b);
      expect(limited.statusCode).toBe(429);
      expect(limited.json()).toEqual(envelope("RATE_LIMIT_EXCEEDED"));
      const retryAfter = Number(limited.headers["retry-after"]);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(limited.json().error.details).toEqual({ retry_after_seconds: retryAfter });
    });

    it("other routes use the general limit, also shared", async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) {
        const app = i % 2 ? b : a;
        statuses.push((await app.app.inject({ method: "GET", url: "/api/v1/auth/me" })).statusCode);
      }
      expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429]);
    });
  });

  describe("disabled (the default)", () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp({ env: { RATE_LIMIT_AUTH_MAX: "1", RATE_LIMIT_MAX: "1" } });
    });
    afterAll(async () => {
      await t.close();
    });

    it("never answers 429", async () => {
      for (let i = 0; i < 5; i++) {
        const res = await t.app.inject({
          method: "POST",
          url: "/api/v1/auth/login",
          payload: { email: "nobody@example.com", password: "whatever-1" },
        });
        expect(res.statusCode).toBe(401);
        expect(res.headers["x-ratelimit-limit"]).toBeUndefined();
      }
    });
  });
});
