import type { InjectOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app";
import { bearer, registerUser } from "../support/auth";

let t: TestApp;
let userToken: string;

const adminRoutes: InjectOptions[] = [
  { method: "POST", url: "/api/v1/admin/cleanup", payload: {} },
  { method: "GET", url: "/api/v1/admin/scheduler/status" },
  { method: "POST", url: "/api/v1/admin/scheduler/jobs/cleanup_job/pause" },
  { method: "POST", url: "/api/v1/admin/scheduler/jobs/cleanup_job/resume" },
  { method: "GET", url: "/api/v1/admin/jobs/failed?queue=maintenance" },
  { method: "POST", url: "/api/v1/admin/jobs/maintenance/some-job/retry" },
];
const label = (route: InjectOptions) => `${route.method} ${route.url}`;

beforeAll(async () => {
  t = await createTestApp();
  userToken = (await registerUser(t.app)).accessToken;
});

afterAll(async () => {
  await t?.close();
});

describe("admin guard", () => {
  it.each(adminRoutes.map((route) => [label(route), route] as const))("%s is 401 without a token", async (_, route) => {
    const response = await t.app.inject(route);
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe("UNAUTHORIZED");
  });

  it.each(adminRoutes.map((route) => [label(route), route] as const))(
    "%s is 401 INVALID_TOKEN with a malformed token",
    async (_, route) => {
      const response = await t.app.inject({ ...route, headers: bearer("not.a.token") });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe("INVALID_TOKEN");
    },
  );

  it.each(adminRoutes.map((route) => [label(route), route] as const))(
    "%s is 403 FORBIDDEN for a user who is not an admin",
    async (_, route) => {
      const response = await t.app.inject({ ...route, headers: bearer(userToken) });
      expect(response.statusCode).toBe(403);
      expect(response.json()).toEqual({ error: { code: "FORBIDDEN", message: expect.any(String), details: {} } });
    },
  );

  it("answers a non-admin 403 before looking at the body or the job id", async () => {
    const invalidBody = await t.app.inject({
      method: "POST",
      url: "/api/v1/admin/cleanup",
      headers: bearer(userToken),
      payload: { max_age_minutes: 0 },
    });
    expect(invalidBody.statusCode).toBe(403);
    const unknownJob = await t.app.inject({
      method: "POST",
      url: "/api/v1/admin/scheduler/jobs/no_such_job/pause",
      headers: bearer(userToken),
    });
    expect(unknownJob.statusCode).toBe(403);
  });
});
