import { Type } from "@sinclair/typebox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./support/app";

const envelope = (code: string) => ({
  error: { code, message: expect.any(String), details: expect.any(Object) },
});

describe("error envelope", () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      override: () => ({}),
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it("unknown route: 404 NOT_FOUND", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/v1/nope" });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual(envelope("NOT_FOUND"));
    expect(res.json().error.details).toEqual({});
  });

  it("known path with another method: 405 with Allow", async () => {
    const res = await t.app.inject({ method: "DELETE", url: "/health" });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe("GET");
    expect(res.json()).toEqual(envelope("METHOD_NOT_ALLOWED"));
  });

  it("carries the request id back", async () => {
    const res = await t.app.inject({ method: "GET", url: "/health", headers: { "x-request-id": "abc-123" } });
    expect(res.headers["x-request-id"]).toBe("abc-123");
  });
});

describe("error envelope on a JSON route", () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  // A route of the app that takes a JSON body is enough; registered through the
  // same instance so the same error handler applies.
  async function appWithEcho() {
    const { buildApp } = await import("../src/app");
    const app = await buildApp(t.deps);
    app.post(
      "/echo",
      {
        config: { auth: "public" },
        schema: { body: Type.Object({ name: Type.String({ minLength: 2 }), age: Type.Integer({ minimum: 0 }) }) },
      },
      async (req) => req.body,
    );
    app.get("/boom", { config: { auth: "public" } }, async () => {
      throw new Error("secret internal detail");
    });
    await app.ready();
    return app;
  }

  it("invalid JSON: 422 VALIDATION_ERROR", async () => {
    const app = await appWithEcho();
    const res = await app.inject({
      method: "POST",
      url: "/echo",
      headers: { "content-type": "application/json" },
      payload: "{not json",
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toEqual(envelope("VALIDATION_ERROR"));
    await app.close();
  });

  it("wrong content type: 422 VALIDATION_ERROR", async () => {
    const app = await appWithEcho();
    const res = await app.inject({
      method: "POST",
      url: "/echo",
      headers: { "content-type": "text/csv" },
      payload: "a,b",
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toEqual(envelope("VALIDATION_ERROR"));
    await app.close();
  });

  it("schema violation: 400 VALIDATION_ERROR listing each field", async () => {
    const app = await appWithEcho();
    const res = await app.inject({ method: "POST", url: "/echo", payload: { name: "x" } });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error.code).toBe("VALIDATION_ERROR");
    const fields = body.error.details.fields.map((f: { field: string }) => f.field).sort();
    expect(fields).toEqual(["age", "name"]);
    for (const f of body.error.details.fields) expect(f.reason).toEqual(expect.any(String));
    await app.close();
  });

  it("oversized body: 413 in the envelope", async () => {
    const app = await appWithEcho();
    const res = await app.inject({
      method: "POST",
      url: "/echo",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ name: "x".repeat(2 * 1024 * 1024), age: 1 }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual(envelope("FILE_TOO_LARGE"));
    await app.close();
  });

  it("unexpected error: 500 INTERNAL_ERROR without internals", async () => {
    const app = await appWithEcho();
    const res = await app.inject({ method: "GET", url: "/boom" });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: "INTERNAL_ERROR", message: "Internal server error", details: {} } });
    expect(res.body).not.toContain("secret internal detail");
    await app.close();
  });
});
