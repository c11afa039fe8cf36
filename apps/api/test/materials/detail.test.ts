import type { MaterialRow } from "@learning-hub/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app";
import { bearer, type RegisteredUser, registerUser } from "../support/auth";
import { insertMaterial, insertMaterials, insertUploader } from "../support/materials";

const envelope = (code: string) => ({ error: { code, message: expect.any(String), details: expect.any(Object) } });

describe("GET /api/v1/materials/{material_id}", () => {
  let t: TestApp;
  let owner: RegisteredUser;
  let other: RegisteredUser;
  let material: MaterialRow;

  beforeAll(async () => {
    t = await createTestApp();
    owner = await registerUser(t.app, { name: "Owner" });
    other = await registerUser(t.app, { name: "Other" });
    material = await insertMaterial(t.env.database.db, {
      uploaderId: owner.id,
      title: "Main",
      thumbnailPath: "thumbnails/1/1.jpg",
      thumbnailStatus: "completed",
      durationSeconds: 12.5,
      width: 640,
      height: 360,
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const get = (id: number, headers: Record<string, string> = {}) =>
    t.app.inject({ method: "GET", url: `/api/v1/materials/${id}`, headers });

  it("answers the material with uploader, is_liked and related_materials", async () => {
    const res = await get(material.id);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      id: material.id,
      title: "Main",
      description: "About something",
      type: "video",
      file_path: material.filePath,
      file_size: 1024,
      file_format: "mp4",
      thumbnail_path: "thumbnails/1/1.jpg",
      uploader_id: owner.id,
      uploader_name: "Owner",
      uploader_avatar: null,
      view_count: 0,
      like_count: 0,
      status: "active",
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      is_liked: false,
      thumbnail_status: "completed",
      duration_seconds: 12.5,
      width: 640,
      height: 360,
      page_count: null,
      source_path: null,
      related_materials: [],
    });
  });

  it("is_liked reflects the signed-in caller; a bad token is anonymous", async () => {
    await t.app.inject({
      method: "POST",
      url: `/api/v1/materials/${material.id}/like`,
      headers: bearer(other.accessToken),
    });
    expect((await get(material.id, bearer(other.accessToken))).json()).toMatchObject({ is_liked: true, like_count: 1 });
    expect((await get(material.id, bearer(owner.accessToken))).json()).toMatchObject({ is_liked: false });
    expect((await get(material.id)).json()).toMatchObject({ is_liked: false });
    const bad = await get(material.id, bearer("garbage"));
    expect(bad.statusCode).toBe(200);
    expect(bad.json().is_liked).toBe(false);
    await t.app.inject({
      method: "POST",
      url: `/api/v1/materials/${material.id}/like`,
      headers: bearer(other.accessToken),
    });
  });

  it("unknown id: 404 NOT_FOUND; malformed id: 400 VALIDATION_ERROR", async () => {
    const missing = await get(2_000_000_000);
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual(envelope("NOT_FOUND"));
    for (const bad of ["abc", "0", "-3", "99999999999"]) {
      const res = await t.app.inject({ method: "GET", url: `/api/v1/materials/${bad}` });
      expect(res.statusCode, bad).toBe(400);
      expect(res.json(), bad).toEqual(envelope("VALIDATION_ERROR"));
    }
  });

  for (const status of ["hidden", "processing"] as const) {
    it(`a ${status} material is 404 to others and anonymous callers, visible to its uploader`, async () => {
      const m = await insertMaterial(t.env.database.db, { uploaderId: owner.id, status });
      expect((await get(m.id)).statusCode).toBe(404);
      expect((await get(m.id)).json()).toEqual(envelope("NOT_FOUND"));
      expect((await get(m.id, bearer(other.accessToken))).statusCode).toBe(404);
      const own = await get(m.id, bearer(owner.accessToken));
      expect(own.statusCode).toBe(200);
      expect(own.json()).toMatchObject({ id: m.id, status });
    });
  }

  describe("related_materials", () => {
    it("up to 4 other active materials of the same type, most liked first, then newest", async () => {
      const db = t.env.database.db;
      const uploaderId = await insertUploader(db);
      const base = Date.parse("2024-03-01T00:00:00Z");
      const at = (s: number) => new Date(base + s * 1000);
      const anchor = await insertMaterial(db, { uploaderId, type: "pdf", likeCount: 100, createdAt: at(0) });
      const [likedOld, likedNew, plain, plainNewer, plainOldest] = await insertMaterials(db, [
        { uploaderId, type: "pdf", title: "liked old", likeCount: 5, createdAt: at(1) },
        { uploaderId, type: "pdf", title: "liked new", likeCount: 5, createdAt: at(2) },
        { uploaderId, type: "pdf", title: "plain", likeCount: 1, createdAt: at(3) },
        { uploaderId, type: "pdf", title: "plain newer", likeCount: 1, createdAt: at(4) },
        { uploaderId, type: "pdf", title: "plain oldest", likeCount: 1, createdAt: at(0) },
      ]);
      // Never related: another type, or not active.
      await insertMaterials(db, [
        { uploaderId, type: "video", likeCount: 50 },
        { uploaderId, type: "pdf", likeCount: 60, status: "hidden" },
        { uploaderId, type: "pdf", likeCount: 70, status: "processing" },
      ]);

      const res = await get(anchor.id);
      const related = res.json().related_materials;
      expect(related.map((r: { id: number }) => r.id)).toEqual([likedNew?.id, likedOld?.id, plainNewer?.id, plain?.id]);
      expect(related.map((r: { id: number }) => r.id)).not.toContain(plainOldest?.id);
      expect(related[0]).toEqual({
        id: likedNew?.id,
        title: "liked new",
        type: "pdf",
        thumbnail_path: null,
        view_count: 0,
        like_count: 5,
      });
    });
  });
});
