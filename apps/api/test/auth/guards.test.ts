import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app";
import { createTestApp, type TestApp } from "../support/app";
import { bearer, makeAdmin, registerUser } from "../support/auth";

const envelope = (code: string) => ({ error: { code, message: expect.any(String), details: expect.any(Object) } });

/** The real app plus two probe routes behind the guards other features reuse. */
async function appWithProbes(t: TestApp): Promise<FastifyInstance> {
  const app = await buildApp(t.deps);
  const Caller = Type.Object({
    user: Type.Union([Type.Null(), Type.Object({ id: Type.Integer(), isAdmin: Type.Boolean() })]),
  });
  app.get(
    "/probe/optional",
    { preHandler: app.optionalAuthenticate, schema: { response: { 200: Caller } } },
    async (req) => ({
      user: req.user ? { id: req.user.id, isAdmin: req.user.isAdmin } : null,
    }),
  );
  app.get("/probe/admin", { preHandler: app.requireAdmin }, async (req) => ({ id: req.user.id }));
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
