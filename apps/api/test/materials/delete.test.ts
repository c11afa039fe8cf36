import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app";
import { bearer, type RegisteredUser, registerUser } from "../support/auth";
import { insertMaterial } from "../support/materials";

const envelope = (code: string) => ({ error: { code, message: expect.any(String), details: expect.any(Object) } });

describe("DELETE /api/v1/materials/{material_id}", () => {
  let t: TestApp;
  let owner: RegisteredUser;
  let other: RegisteredUser;

  beforeAll(async () => {
    t = await createTestApp();
    owner = await registerUser(t.app);
    other = await registerUser(t.app);
  });
  afterAll(async () => {
    await t?.close();
  });

  const remove = (id: number, headers: Record<string, string> = {}) =>
    t.app.inject({ method: "DELETE", url: `/api/v1/materials/${id}`, headers });
  const newMaterial = (status: "active" | "hidden" | "processing" = "active") =>
    insertMaterial(t.env.database.db, { uploaderId: owner.id, status });

  it("the uploader soft-deletes: 204, then hidden from the list and from others, still visible to the uploader", async () => {
    const m = await newMaterial();
    const res = await remove(m.id, bearer(owner.accessToken));
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe("");

    const list = await t.app.inject({ method: "GET", url: "/api/v1/materials" });
    expect(list.json().items.map((i: { id: number }) => i.id)).not.toContain(m.id);
    const forOther = await t.app.inject({
      method: "GET",
      url: `/api/v1/materials/${m.id}`,
      headers: bearer(other.accessToken),
    });
    expect(forOther.statusCode).toBe(404);
    const forOwner = await t.app.inject({
      method: "GET",
      url: `/api/v1/materials/${m.id}`,
      headers: bearer(owner.accessToken),
    });
    expect(forOwner.json()).toMatchObject({ id: m.id, status: "hidden" });
  });

  it("a second delete: 400 ALREADY_DELETED", async () => {
    const m = await newMaterial();
    expect((await remove(m.id, bearer(owner.accessToken))).statusCode).toBe(204);
    const again = await remove(m.id, bearer(owner.accessToken));
    expect(again.statusCode).toBe(400);
    expect(again.json()).toEqual(envelope("ALREADY_DELETED"));
  });

  it("concurrent deletes: exactly one succeeds", async () => {
    const m = await newMaterial();
    const results = await Promise.all(Array.from({ length: 5 }, () => remove(m.id, bearer(owner.accessToken))));
    expect(results.map((r) => r.statusCode).sort()).toEqual([204, 400, 400, 400, 400]);
  });

  it("someone else's material: 403 FORBIDDEN, and it stays active", async () => {
    const m = await newMaterial();
    const res = await remove(m.id, bearer(other.accessToken));
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual(envelope("FORBIDDEN"));
    const detail = await t.app.inject({ method: "GET", url: `/api/v1/materials/${m.id}` });
    expect(detail.json().status).toBe("active");
  });

  it("someone else's material that is not active: 404, as it is invisible to them", async () => {
    const m = await newMaterial("hidden");
    const res = await remove(m.id, bearer(other.accessToken));
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual(envelope("NOT_FOUND"));
  });

  it("unknown material: 404 NOT_FOUND", async () => {
    const res = await remove(2_000_000_000, bearer(owner.accessToken));
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual(envelope("NOT_FOUND"));
  });

  it("without a token: 401 UNAUTHORIZED; with a bad one: 401 INVALID_TOKEN", async () => {
    const m = await newMaterial();
    const anonymous = await remove(m.id);
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toEqual(envelope("UNAUTHORIZED"));
    const bad = await remove(m.id, bearer("garbage"));
    expect(bad.statusCode).toBe(401);
    expect(bad.json()).toEqual(envelope("INVALID_TOKEN"));
  });

  it("malformed id: 400 VALIDATION_ERROR", async () => {
    const res = await t.app.inject({
      method: "DELETE",
      url: "/api/v1/materials/abc",
      headers: bearer(owner.accessToken),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual(envelope("VALIDATION_ERROR"));
  });
});
