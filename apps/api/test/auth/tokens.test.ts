import { users } from "@learning-hub/db";
import { eq } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app";
import { createTestApp, type TestApp } from "../support/app";
import { bearer, type RegisteredUser, registerUser } from "../support/auth";
import { claimsOf, forgeToken } from "../support/tokens";

const envelope = (code: string) => ({ error: { code, message: expect.any(String), details: expect.any(Object) } });

describe("tokens, refresh and logout", () => {
  let t: TestApp;
  let secret: string;

  beforeAll(async () => {
    t = await createTestApp();
    secret = t.deps.config.auth.jwtSecret;
  });
  afterAll(async () => {
    await t.close();
  });

  const me = (token?: string, app: FastifyInstance = t.app) =>
    app.inject({ method: "GET", url: "/api/v1/auth/me", headers: token === undefined ? {} : bearer(token) });
  const refresh = (refreshToken: string) =>
    t.app.inject({ method: "POST", url: "/api/v1/auth/refresh", payload: { refresh_token: refreshToken } });
  const logout = (token: string) =>
    t.app.inject({ method: "POST", url: "/api/v1/auth/logout", headers: bearer(token) });

  async function expectInvalidToken(token: string) {
    const res = await me(token);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual(envelope("INVALID_TOKEN"));
  }

  describe("GET /auth/me", () => {
    it("answers the caller's profile", async () => {
      const user = await registerUser(t.app, { name: "Me Myself" });
      const res = await me(user.accessToken);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        id: user.id,
        email: user.email,
        name: "Me Myself",
        avatar_url: null,
        is_active: true,
        created_at: expect.stringMatching(/Z$/),
      });
    });

    it("without credentials is 401 UNAUTHORIZED (no header, another scheme, empty bearer)", async () => {
      for (const headers of [{}, { authorization: "Basic dXNlcjpwYXNz" }, { authorization: "Bearer " }]) {
        const res = await t.app.inject({ method: "GET", url: "/api/v1/auth/me", headers });
        expect(res.statusCode).toBe(401);
        expect(res.json()).toEqual(envelope("UNAUTHORIZED"));
      }
    });

    it("accepts the bearer scheme in any case", async () => {
      const user = await registerUser(t.app);
      const res = await t.app.inject({
        method: "GET",
        url: "/api/v1/auth/me",
        headers: { authorization: `bearer ${user.accessToken}` },
      });
      expect(res.statusCode).toBe(200);
    });
  });

  describe("tampered tokens are 401 INVALID_TOKEN", () => {
    let user: RegisteredUser;
    let claims: Record<string, unknown>;

    beforeAll(async () => {
      user = await registerUser(t.app);
      claims = claimsOf(user.accessToken);
      // The genuine token works, so each rejection below is down to the one thing changed.
      expect((await me(forgeToken(claims, secret))).statusCode).toBe(200);
    });

    it("carries the documented claims", () => {
      const now = Math.floor(Date.now() / 1000);
      expect(claims).toEqual({
        sub: String(user.id),
        typ: "access",
        sid: expect.any(String),
        iat: expect.any(Number),
        exp: expect.any(Number),
      });
      expect(claims.exp).toBe((claims.iat as number) + 1800);
      expect(Math.abs((claims.iat as number) - now)).toBeLessThan(60);
      const refreshClaims = claimsOf(user.refreshToken);
      expect(refreshClaims).toMatchObject({
        sub: String(user.id),
        typ: "refresh",
        sid: claims.sid,
        jti: expect.any(String),
      });
      expect(refreshClaims.exp).toBe((refreshClaims.iat as number) + 7 * 86400);
    });

    it("malformed", async () => {
      await expectInvalidToken("not-a-jwt");
      await expectInvalidToken(`${user.accessToken}x`);
    });

    it("alg: none", async () => {
      await expectInvalidToken(forgeToken(claims, secret, "none"));
    });

    it("wrong signature", async () => {
      await expectInvalidToken(forgeToken(claims, "some-other-secret-of-enough-length"));
    });

    it("another HMAC algorithm with the right secret", async () => {
      await expectInvalidToken(forgeToken(claims, secret, "HS512"));
    });

    it("expired", async () => {
      const past = Math.floor(Date.now() / 1000) - 3600;
      await expectInvalidToken(forgeToken({ ...claims, iat: past - 1800, exp: past }, secret));
    });

    it("signed without exp, without iat, or with typ missing or unknown", async () => {
      const { exp: _exp, ...withoutExp } = claims;
      const { iat: _iat, ...withoutIat } = claims;
      const { typ: _typ, ...withoutTyp } = claims;
      await expectInvalidToken(forgeToken(withoutExp, secret));
      await expectInvalidToken(forgeToken(withoutIat, secret));
      await expectInvalidToken(forgeToken(withoutTyp, secret));
      await expectInvalidToken(forgeToken({ ...claims, typ: "id" }, secret));
      await expectInvalidToken(forgeToken({ ...claims, exp: "never" }, secret));
      const refreshClaims = claimsOf(user.refreshToken);
      const { exp: _refreshExp, ...refreshWithoutExp } = refreshClaims;
      const res = await refresh(forgeToken(refreshWithoutExp, secret));
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual(envelope("INVALID_TOKEN"));
    });

    it("claims of the wrong shape", async () => {
      await expectInvalidToken(forgeToken({ ...claims, sub: "abc" }, secret));
      await expectInvalidToken(forgeToken({ ...claims, sub: "99999999999" }, secret));
      await expectInvalidToken(forgeToken({ ...claims, sid: "not-a-uuid" }, secret));
      await expectInvalidToken(forgeToken({ ...claims, typ: undefined }, secret));
    });

    it("a session id that belongs to no session, or to another user", async () => {
      await expectInvalidToken(forgeToken({ ...claims, sid: "00000000-0000-4000-8000-000000000000" }, secret));
      const other = await registerUser(t.app);
      await expectInvalidToken(forgeToken({ ...claims, sid: claimsOf(other.accessToken).sid }, secret));
    });

    it("refresh token used as an access token", async () => {
      await expectInvalidToken(user.refreshToken);
    });

    it("access token used as a refresh token", async () => {
      const res = await refresh(user.accessToken);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual(envelope("INVALID_TOKEN"));
    });

    it("tampered refresh tokens", async () => {
      const refreshClaims = claimsOf(user.refreshToken);
      const past = Math.floor(Date.now() / 1000) - 60;
      for (const token of [
        "garbage",
        forgeToken(refreshClaims, secret, "none"),
        forgeToken(refreshClaims, "some-other-secret-of-enough-length"),
        forgeToken({ ...refreshClaims, exp: past }, secret),
        forgeToken({ ...refreshClaims, jti: undefined }, secret),
      ]) {
        const res = await refresh(token);
        expect(res.statusCode).toBe(401);
        expect(res.json()).toEqual(envelope("INVALID_TOKEN"));
      }
    });
  });

  describe("POST /auth/refresh", () => {
    it("rotates the pair: the new tokens work and the old refresh token stops working", async () => {
      const user = await registerUser(t.app);
      const res = await refresh(user.refreshToken);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toEqual({
        access_token: expect.any(String),
        refresh_token: expect.any(String),
        token_type: "bearer",
      });
      expect(body.refresh_token).not.toBe(user.refreshToken);
      expect(claimsOf(body.refresh_token).sid).toBe(claimsOf(user.refreshToken).sid);
      expect((await me(body.access_token)).statusCode).toBe(200);

      const second = await refresh(body.refresh_token);
      expect(second.statusCode).toBe(200);
      expect((await me(second.json().access_token)).statusCode).toBe(200);
    });

    it("reusing a rotated refresh token revokes the whole session, newer tokens included", async () => {
      const user = await registerUser(t.app);
      const rotated = (await refresh(user.refreshToken)).json();

      const replay = await refresh(user.refreshToken);
      expect(replay.statusCode).toBe(401);
      expect(replay.json()).toEqual(envelope("INVALID_TOKEN"));

      const newer = await refresh(rotated.refresh_token);
      expect(newer.statusCode).toBe(401);
      expect(newer.json()).toEqual(envelope("INVALID_TOKEN"));
      await expectInvalidToken(rotated.access_token);
      await expectInvalidToken(user.accessToken);

      const [session] = await t.env.database
        .sql`select revoked_reason from auth_sessions where id = ${claimsOf(user.refreshToken).sid as string}`;
      expect(session?.revoked_reason).toBe("refresh_token_reuse");
    });

    it("concurrent refreshes with one token: exactly one succeeds", async () => {
      const user = await registerUser(t.app);
      const results = await Promise.all([refresh(user.refreshToken), refresh(user.refreshToken)]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([200, 401]);
    });

    it("a missing refresh_token is 400 VALIDATION_ERROR", async () => {
      const res = await t.app.inject({ method: "POST", url: "/api/v1/auth/refresh", payload: {} });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.details.fields).toContainEqual({ field: "refresh_token", reason: expect.any(String) });
    });
  });

  describe("POST /auth/logout", () => {
    it("answers the documented body and revokes the session's access and refresh tokens", async () => {
      const user = await registerUser(t.app);
      const otherSession = (
        await t.app.inject({
          method: "POST",
          url: "/api/v1/auth/login",
          payload: { email: user.email, password: user.password },
        })
      ).json();

      const res = await logout(user.accessToken);
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe(
        '{"message":"Successfully logged out","detail":"Please discard your tokens on the client side"}',
      );

      await expectInvalidToken(user.accessToken);
      const refreshed = await refresh(user.refreshToken);
      expect(refreshed.statusCode).toBe(401);
      expect(refreshed.json()).toEqual(envelope("INVALID_TOKEN"));
      const again = await logout(user.accessToken);
      expect(again.statusCode).toBe(401);
      expect(again.json()).toEqual(envelope("INVALID_TOKEN"));

      // Only that session ends: another login of the same user keeps working.
      expect((await me(otherSession.access_token)).statusCode).toBe(200);
    });

    it("without a token is 401 UNAUTHORIZED", async () => {
      const res = await t.app.inject({ method: "POST", url: "/api/v1/auth/logout" });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual(envelope("UNAUTHORIZED"));
    });

    it("takes effect in another API process within the session cache lifetime (1 s)", async () => {
      const other = await buildApp(t.deps);
      try {
        const user = await registerUser(t.app);
        expect((await me(user.accessToken, other)).statusCode).toBe(200);
        await logout(user.accessToken);
        await new Promise((resolve) => setTimeout(resolve, 1100));
        const res = await me(user.accessToken, other);
        expect(res.statusCode).toBe(401);
        expect(res.json()).toEqual(envelope("INVALID_TOKEN"));
      } finally {
        await other.close();
      }
    });
  });

  describe("disabled and deleted users", () => {
    it("a disabled user's tokens give 403 INACTIVE_USER on me, refresh and logout", async () => {
      const user = await registerUser(t.app);
      await t.env.database.db.update(users).set({ isActive: false }).where(eq(users.id, user.id));
      // Fresh process: no cached session state (in this one it would apply within the cache lifetime).
      const fresh = await buildApp(t.deps);
      try {
        const viaMe = await me(user.accessToken, fresh);
        expect(viaMe.statusCode).toBe(403);
        expect(viaMe.json()).toEqual(envelope("INACTIVE_USER"));
        const viaLogout = await fresh.inject({
          method: "POST",
          url: "/api/v1/auth/logout",
          headers: bearer(user.accessToken),
        });
        expect(viaLogout.statusCode).toBe(403);
        expect(viaLogout.json()).toEqual(envelope("INACTIVE_USER"));
      } finally {
        await fresh.close();
      }
      const viaRefresh = await refresh(user.refreshToken);
      expect(viaRefresh.statusCode).toBe(403);
      expect(viaRefresh.json()).toEqual(envelope("INACTIVE_USER"));
    });

    it("a deleted user's tokens give 401 USER_NOT_FOUND", async () => {
      const user = await registerUser(t.app);
      await t.env.database.db.delete(users).where(eq(users.id, user.id));
      const fresh = await buildApp(t.deps);
      try {
        const viaMe = await me(user.accessToken, fresh);
        expect(viaMe.statusCode).toBe(401);
        expect(viaMe.json()).toEqual(envelope("USER_NOT_FOUND"));
      } finally {
        await fresh.close();
      }
      const viaRefresh = await refresh(user.refreshToken);
      expect(viaRefresh.statusCode).toBe(401);
      expect(viaRefresh.json()).toEqual(envelope("USER_NOT_FOUND"));
    });
  });
});
