import { likes, materials } from "@learning-hub/db";
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app";
import { bearer, type RegisteredUser, registerUser } from "../support/auth";
import { insertMaterial } from "../support/materials";

const envelope = (code: string) => ({ error: { code, message: expect.any(String), details: expect.any(Object) } });

describe("POST /api/v1/materials/{material_id}/like", () => {
  let t: TestApp;
  let owner: RegisteredUser;
  let fan: RegisteredUser;

  beforeAll(async () => {
    t = await createTestApp();
    owner = await registerUser(t.app);
    fan = await registerUser(t.app);
  });
  afterAll(async () => {
    await t?.close();
  });

  const like = (id: number, token?: string) =>
    t.app.inject({ method: "POST", url: `/api/v1/materials/${id}/like`, headers: token ? bearer(token) : {} });

  async function stored(materialId: number) {
    const db = t.env.database.db;
    const [row] = await db
      .select({ likeCount: materials.likeCount })
      .from(materials)
      .where(eq(materials.id, materialId));
    const [rows] = await db.select({ n: count() }).from(likes).where(eq(likes.materialId, materialId));
    return { likeCount: row?.likeCount, likeRows: rows?.n };
  }

  it("toggles: like, unlike, like again", async () => {
    const m = await insertMaterial(t.env.database.db, { uploaderId: owner.id });
    const first = await like(m.id, fan.accessToken);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ is_liked: true, like_count: 1 });
    expect((await like(m.id, owner.accessToken)).json()).toEqual({ is_liked: true, like_count: 2 });
    expect((await like(m.id, fan.accessToken)).json()).toEqual({ is_liked: false, like_count: 1 });
    expect((await like(m.id, fan.accessToken)).json()).toEqual({ is_liked: true, like_count: 2 });
    expect(await stored(m.id)).toEqual({ likeCount: 2, likeRows: 2 });
  });

  it("unknown material: 404 NOT_FOUND", async () => {
    const res = await like(2_000_000_000, fan.accessToken);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual(envelope("NOT_FOUND"));
  });

  for (const status of ["hidden", "processing"] as const) {
    it(`a ${status} material: 400 INVALID_STATUS, nothing stored`, async () => {
      const m = await insertMaterial(t.env.database.db, { uploaderId: owner.id, status });
      const res = await like(m.id, owner.accessToken);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual(envelope("INVALID_STATUS"));
      expect(await stored(m.id)).toEqual({ likeCount: 0, likeRows: 0 });
    });
  }

  it("without a token: 401 UNAUTHORIZED; with a bad one: 401 INVALID_TOKEN", async () => {
    const m = await insertMaterial(t.env.database.db, { uploaderId: owner.id });
    expect((await like(m.id)).json()).toEqual(envelope("UNAUTHORIZED"));
    expect((await like(m.id)).statusCode).toBe(401);
    const bad = await like(m.id, "garbage");
    expect(bad.statusCode).toBe(401);
    expect(bad.json()).toEqual(envelope("INVALID_TOKEN"));
  });

  it("malformed id: 400 VALIDATION_ERROR", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/materials/x/like",
      headers: bearer(fan.accessToken),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual(envelope("VALIDATION_ERROR"));
  });

  it("50 users toggling concurrently: like_count equals the like rows, and each user's last answer agrees", async () => {
    const m = await insertMaterial(t.env.database.db, { uploaderId: owner.id });
    const users = await Promise.all(Array.from({ length: 50 }, () => registerUser(t.app)));
    // Each user toggles 1 to 3 times, all users at once; odd counts end liked.
    const toggles = users.map((_, i) => (i % 3) + 1);
    const lastAnswers = await Promise.all(
      users.map(async (user, i) => {
        let last: { is_liked: boolean; like_count: number } | undefined;
        for (let n = 0; n < (toggles[i] ?? 1); n++) {
          const res = await like(m.id, user.accessToken);
          expect(res.statusCode).toBe(200);
          last = res.json();
        }
        return last;
      }),
    );
    const expectedLiked = toggles.filter((n) => n % 2 === 1).length;
    expect(await stored(m.id)).toEqual({ likeCount: expectedLiked, likeRows: expectedLiked });

    // Each user's last answer says whether their like row exists.
    const db = t.env.database.db;
    const likers = new Set(
      (await db.select({ userId: likes.userId }).from(likes).where(eq(likes.materialId, m.id))).map((r) => r.userId),
    );
    users.forEach((user, i) => {
      expect(lastAnswers[i]?.is_liked).toBe(likers.has(user.id));
      expect(lastAnswers[i]?.is_liked).toBe((toggles[i] ?? 1) % 2 === 1);
    });
    // Toggles run one after another, so the very last one (someone's last answer) saw the final count.
    expect(lastAnswers.map((a) => a?.like_count)).toContain(expectedLiked);
    const detail = await t.app.inject({ method: "GET", url: `/api/v1/materials/${m.id}` });
    expect(detail.json().like_count).toBe(expectedLiked);
  });

  it("one user toggling many times at once: every toggle answers 200 and the count stays true", async () => {
    const m = await insertMaterial(t.env.database.db, { uploaderId: owner.id });
    const answers = await Promise.all(Array.from({ length: 11 }, () => like(m.id, fan.accessToken)));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(11).fill(200));
    expect(answers.filter((a) => a.json().is_liked)).toHaveLength(6);
    expect(await stored(m.id)).toEqual({ likeCount: 1, likeRows: 1 });
  });
});
