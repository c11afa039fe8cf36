import { users } from "@learning-hub/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app";
import { registerUser } from "../support/auth";

const envelope = (code: string) => ({ error: { code, message: expect.any(String), details: expect.any(Object) } });
const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const uniqueEmail = (tag: string) => `${tag}-${Math.random().toString(36).slice(2, 10)}@example.com`;

describe("register and login", () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const register = (payload: Record<string, unknown>) =>
    t.app.inject({ method: "POST", url: "/api/v1/auth/register", payload });
  const login = (payload: Record<string, unknown>) =>
    t.app.inject({ method: "POST", url: "/api/v1/auth/login", payload });

  it("register: 201 with the user shape, email stored in lower case", async () => {
    const email = uniqueEmail("Mixed.Case");
    const res = await register({ email, name: "用户名", password: "password-123" });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toEqual({
      id: expect.any(Number),
      email: email.toLowerCase(),
      name: "用户名",
      avatar_url: null,
      is_active: true,
      created_at: expect.stringMatching(ISO_SECONDS),
    });
    expect(Object.keys(body).sort()).toEqual(["avatar_url", "created_at", "email", "id", "is_active", "name"]);
  });

  it("register: a taken email in any case is 400 EMAIL_ALREADY_EXISTS", async () => {
    const email = uniqueEmail("taken");
    expect((await register({ email, name: "First", password: "password-123" })).statusCode).toBe(201);
    const again = await register({ email: email.toUpperCase(), name: "Second", password: "password-456" });
    expect(again.statusCode).toBe(400);
    expect(again.json()).toEqual(envelope("EMAIL_ALREADY_EXISTS"));
  });

  it("register: concurrent registrations of one email create exactly one user", async () => {
    const email = uniqueEmail("race");
    const attempts = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        register({ email: i % 2 ? email : email.toUpperCase(), name: `Racer ${i}`, password: "password-123" }),
      ),
    );
    const statuses = attempts.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([201, 400, 400, 400, 400, 400]);
    for (const r of attempts.filter((a) => a.statusCode === 400))
      expect(r.json().error.code).toBe("EMAIL_ALREADY_EXISTS");
    const rows = await t.env.database.sql`select id from users where lower(email) = ${email.toLowerCase()}`;
    expect(rows).toHaveLength(1);
  });

  it.each([
    ["empty name", { name: "" }, "name"],
    ["blank name", { name: "   " }, "name"],
    ["name over 100 characters", { name: "n".repeat(101) }, "name"],
    ["password under 8 characters", { password: "1234567" }, "password"],
    ["password over 128 characters", { password: "p".repeat(129) }, "password"],
    ["malformed email", { email: "not-an-email" }, "email"],
    ["missing email", { email: undefined }, "email"],
    ["missing password", { password: undefined }, "password"],
  ])("register: %s is 400 VALIDATION_ERROR naming the field", async (_case, change, field) => {
    const payload = { email: uniqueEmail("valid"), name: "Valid Name", password: "password-123", ...change };
    const res = await register(payload);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual(envelope("VALIDATION_ERROR"));
    expect(res.json().error.details.fields).toContainEqual({ field, reason: expect.any(String) });
  });

  it.each(["password", "12345678", "iloveyou", "Sunshine", "QWERTYUIOP", "trustno1"])(
    "register: the common password %j is 400 VALIDATION_ERROR saying why, and creates nobody",
    async (password) => {
      const email = uniqueEmail("common");
      const res = await register({ email, name: "Common Password", password });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual(envelope("VALIDATION_ERROR"));
      expect(res.json().error.details.fields).toEqual([
        { field: "password", reason: expect.stringContaining("10000 most common passwords") },
      ]);
      expect(await t.env.database.sql`select id from users where email = ${email}`).toHaveLength(0);
    },
  );

  it("register: an uncommon password of 8 characters is fine", async () => {
    const res = await register({ email: uniqueEmail("rare"), name: "Rare Password", password: "qu1et-Ox" });
    expect(res.statusCode).toBe(201);
  });

  it("register: boundary lengths are accepted (name 100, password 8 and 128)", async () => {
    for (const password of ["p".repeat(8), "p".repeat(128)]) {
      const res = await register({ email: uniqueEmail("edge"), name: "n".repeat(100), password });
      expect(res.statusCode).toBe(201);
    }
  });

  it("register: an unparseable body is 422 VALIDATION_ERROR", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/register",
      headers: { "content-type": "application/json" },
      payload: "{not json",
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toEqual(envelope("VALIDATION_ERROR"));
  });

  it("login: 200 with tokens, bearer type, expires_in in seconds and the user; email in any case", async () => {
    const email = uniqueEmail("login");
    const created = (await register({ email, name: "Login User", password: "password-123" })).json();
    const res = await login({ email: email.toUpperCase(), password: "password-123" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      access_token: expect.stringMatching(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/),
      refresh_token: expect.stringMatching(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/),
      token_type: "bearer",
      expires_in: 1800,
      user: created,
    });
  });

  it("login: wrong password and unknown email are both 401 UNAUTHORIZED", async () => {
    const user = await registerUser(t.app);
    const wrong = await login({ email: user.email, password: "not-the-password" });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toEqual(envelope("UNAUTHORIZED"));
    const unknown = await login({ email: uniqueEmail("nobody"), password: "whatever-password" });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json()).toEqual(envelope("UNAUTHORIZED"));
    expect(unknown.json().error.message).toBe(wrong.json().error.message);
  });

  it("login: missing fields are 400 VALIDATION_ERROR", async () => {
    const res = await login({ email: uniqueEmail("x") });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.fields).toContainEqual({ field: "password", reason: expect.any(String) });
  });

  it("login: a disabled user is 403 INACTIVE_USER with the right password, 401 with a wrong one", async () => {
    const user = await registerUser(t.app);
    await t.env.database.db.update(users).set({ isActive: false }).where(eq(users.id, user.id));
    const right = await login({ email: user.email, password: user.password });
    expect(right.statusCode).toBe(403);
    expect(right.json()).toEqual(envelope("INACTIVE_USER"));
    const wrong = await login({ email: user.email, password: "not-the-password" });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toEqual(envelope("UNAUTHORIZED"));
  });

  it("stores an argon2id hash with the documented parameters, never the password", async () => {
    const user = await registerUser(t.app);
    const [row] = await t.env.database.db.select().from(users).where(eq(users.id, user.id));
    expect(row?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(row?.passwordHash).not.toContain(user.password);
  });
});
