import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app";
import { createTestApp, type TestApp } from "../support/app";
import { bearer, makeAdmin, registerUser } from "../support/auth";

const envelope = (code: string) => ({ error: { code, message: expect.any(String), details: expect.any(Object) } });

/** The real app plus probe routes that declare nothing but their `config.auth`. */
async function appWithProbes(t: TestApp): Promise<FastifyInstance> {
  const app = await buildApp(t.deps);
  const Caller = Type.Object({
    user: Type.Union([Type.Null(), Type.Object({ id: Type.Integer(), isAdmin: Type.Boolean() })]),
  });
  app.get("/probe/optional", { config: { auth: "optional" }, schema: { response: { 200: Caller } } }, async (req) => ({
    user: req.user ? { id: req.user.id, isAdmin: req.user.isAdmin } : null,
  }));
  app.get("/probe/admin", { config: { auth: "admin" } }, async (req) => ({ id: req.requireUser().id }));
  app.post(
    "/probe/admin-body",
    { config: { auth: "admin" }, schema: { body: Type.Object({ n: Type.Integer({ minimum: 1 }) }) } },
    async (req) => ({ n: req.body }),
  );
  app.get("/probe/public", { config: { auth: "public" } }, async () => ({ ok: true }));
  await app.ready();
  return app;
}

describe("auth guards", () => {
  let t: TestApp;
  let app: FastifyInstance;

  beforeAll(async () => {
    t = await createTestApp();
    app = await appWithProbes(t);
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  it("optionalAuthenticate: anonymous without a token or with a bad one, the caller with a good one", async () => {
    const user = await registerUser(app);
    const anonymous = await app.inject({ method: "GET", url: "/probe/optional" });
    expect(anonymous.statusCode).toBe(200);
    expect(anonymous.json()).toEqual({ user: null });

    const bad = await app.inject({ method: "GET", url: "/probe/optional", headers: bearer("not.a.token") });
    expect(bad.statusCode).toBe(200);
    expect(bad.json()).toEqual({ user: null });

    const refreshAsAccess = await app.inject({
      method: "GET",
      url: "/probe/optional",
      headers: bearer(user.refreshToken),
    });
    expect(refreshAsAccess.json()).toEqual({ user: null });

    const good = await app.inject({ method: "GET", url: "/probe/optional", headers: bearer(user.accessToken) });
    expect(good.json()).toEqual({ user: { id: user.id, isAdmin: false } });
  });

  it("a route without config.auth is refused when it is registered", async () => {
    const bare = await buildApp(t.deps);
    try {
      expect(() => bare.get("/probe/undeclared", async () => ({}))).toThrow(/declares no config.auth/);
    } finally {
      await bare.close();
    }
  });

  it("config.auth admin alone: OpenAPI security and every error response the route can give", async () => {
    // The probes declare no responses of their own: everything listed comes from `config`.
    const doc = (await app.inject({ method: "GET", url: "/openapi.json" })).json();
    const admin = doc.paths["/probe/admin"].get;
    expect(admin.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(admin.responses).sort()).toEqual(["401", "403", "429", "500", "503"]);
    // The envelope with `code` narrowed to what an admin route's 403 can carry.
    expect(admin.responses["403"].content["application/json"].schema).toEqual({
      $ref: "#/components/schemas/ForbiddenOrInactiveUserError",
    });
    expect(doc.components.schemas.ForbiddenOrInactiveUserError.properties.error.properties.code.enum).toEqual([
      "FORBIDDEN",
      "INACTIVE_USER",
    ]);
    // A body adds 400 (it breaks a rule), 413 (over the body limit) and 422 (it does not parse).
    const withBody = doc.paths["/probe/admin-body"].post;
    expect(Object.keys(withBody.responses).sort()).toEqual(["400", "401", "403", "413", "422", "429", "500", "503"]);
    expect(doc.paths["/probe/public"].get.security).toEqual([]);
    expect(Object.keys(doc.paths["/probe/public"].get.responses).sort()).toEqual(["429", "500", "503"]);
    expect(doc.paths["/probe/optional"].get.security).toEqual([{}, { bearerAuth: [] }]);
  });

  it("config.auth admin: a non-admin is refused before the body is parsed or validated", async () => {
    const user = await registerUser(app);
    const malformed = { "content-type": "application/json", ...bearer(user.accessToken) };
    const refused = await app.inject({ method: "POST", url: "/probe/admin-body", headers: malformed, payload: "{" });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toEqual(envelope("FORBIDDEN"));
    const anonymous = await app.inject({ method: "POST", url: "/probe/admin-body", payload: { n: 0 } });
    expect(anonymous.statusCode).toBe(401);
  });

  it("requireAdmin: 401 without a token, 403 FORBIDDEN for a user, 200 once the user is an admin", async () => {
    const user = await registerUser(app);
    const none = await app.inject({ method: "GET", url: "/probe/admin" });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toEqual(envelope("UNAUTHORIZED"));

    const plain = await app.inject({ method: "GET", url: "/probe/admin", headers: bearer(user.accessToken) });
    expect(plain.statusCode).toBe(403);
    expect(plain.json()).toEqual(envelope("FORBIDDEN"));

    await makeAdmin(t, user.id);
    // A fresh login sees the role at once; existing tokens see it once the session cache entry expires.
    const admin = await registerUser(app);
    await makeAdmin(t, admin.id);
    const allowed = await app.inject({ method: "GET", url: "/probe/admin", headers: bearer(admin.accessToken) });
    expect(allowed.statusCode).toBe(200);
    expect(allowed.json()).toEqual({ id: admin.id });
  });
});
