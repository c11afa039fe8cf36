import { materials } from "@learning-hub/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app";
import { bearer, makeAdmin, type RegisteredUser, registerUser } from "../support/auth";
import { insertMaterial } from "../support/materials";
import { fixture, multipartForm } from "../support/multipart";
import { postUpload } from "../support/uploads";

let t: TestApp;
let owner: RegisteredUser;
let admin: RegisteredUser;
let stranger: RegisteredUser;

beforeAll(async () => {
  t = await createTestApp();
  [owner, admin, stranger] = await Promise.all([registerUser(t.app), registerUser(t.app), registerUser(t.app)]);
  await makeAdmin(t, admin.id);
});
afterAll(() => t.close());

async function uploadPdf(user: RegisteredUser): Promise<{ id: number; file_path: string }> {
  const form = multipartForm([
    { name: "title", value: "Status" },
    { name: "file", filename: "status.pdf", content: fixture("handout-5-pages.pdf") },
  ]);
  const response = await postUpload(t, user.accessToken, form);
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

const get = (path: string, user: RegisteredUser) =>
  t.app.inject({ method: "GET", url: `/api/v1/upload/${path}`, headers: bearer(user.accessToken) });
const remove = (id: number, user: RegisteredUser) =>
  t.app.inject({ method: "DELETE", url: `/api/v1/upload/${id}`, headers: bearer(user.accessToken) });

describe("GET /api/v1/upload/status/{id} and /thumbnail-status/{id}", () => {
  it("tells the owner and admins where an active upload stands", async () => {
    const material = await uploadPdf(owner);
    for (const viewer of [owner, admin]) {
      const status = await get(`status/${material.id}`, viewer);
      expect(status.statusCode).toBe(200);
      expect(status.json()).toEqual({
        material_id: material.id,
        status: "active",
        progress: 100,
        message: "Upload complete and ready",
        thumbnail_path: null,
        has_thumbnail: false,
        stage: "ready",
        failure_reason: null,
      });
      const thumbnail = await get(`thumbnail-status/${material.id}`, viewer);
      expect(thumbnail.statusCode).toBe(200);
      expect(thumbnail.json()).toEqual({
        material_id: material.id,
        thumbnail_status: "pending",
        thumbnail_path: null,
        has_thumbnail: false,
      });
    }
  });

  it.each([
    { status: "processing", progress: 50, message: "Upload in progress" },
    { status: "hidden", progress: 100, message: "Material has been deleted" },
  ] as const)("reports $status with progress $progress", async ({ status, progress, message }) => {
    const row = await insertMaterial(t.env.database.db, { uploaderId: owner.id, status });
    const response = await get(`status/${row.id}`, owner);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ material_id: row.id, status, progress, message });
  });

  it.each([
    { thumbnailStatus: "completed", thumbnailPath: "thumbnails/x/1.jpg", has: true },
    { thumbnailStatus: "failed", thumbnailPath: "placeholders/video.jpg", has: false },
  ] as const)("reports a $thumbnailStatus thumbnail", async ({ thumbnailStatus, thumbnailPath, has }) => {
    const row = await insertMaterial(t.env.database.db, { uploaderId: owner.id, thumbnailStatus, thumbnailPath });
    const response = await get(`thumbnail-status/${row.id}`, owner);
    expect(response.json()).toEqual({
      material_id: row.id,
      thumbnail_status: thumbnailStatus,
      thumbnail_path: thumbnailPath,
      has_thumbnail: has,
    });
    expect((await get(`status/${row.id}`, owner)).json()).toMatchObject({
      thumbnail_path: thumbnailPath,
      has_thumbnail: has,
    });
  });

  it.each(["status", "thumbnail-status"])(
    "%s: 403 for other users, 404 for unknown ids, 401 anonymous",
    async (path) => {
      const row = await insertMaterial(t.env.database.db, { uploaderId: owner.id });
      const forbidden = await get(`${path}/${row.id}`, stranger);
      expect(forbidden.statusCode).toBe(403);
      expect(forbidden.json().error.code).toBe("FORBIDDEN");
      const missing = await get(`${path}/999999`, owner);
      expect(missing.statusCode).toBe(404);
      expect(missing.json().error.code).toBe("NOT_FOUND");
      const anonymous = await t.app.inject({ method: "GET", url: `/api/v1/upload/${path}/${row.id}` });
      expect(anonymous.statusCode).toBe(401);
      const invalid = await get(`${path}/abc`, owner);
      expect(invalid.statusCode).toBe(400);
      expect(invalid.json().error.code).toBe("VALIDATION_ERROR");
    },
  );
});

describe("DELETE /api/v1/upload/{id}", () => {
  it("removes the file and thumbnail for good, hides the row, and says ALREADY_DELETED the second time", async () => {
    const material = await uploadPdf(owner);
    const thumbnail = `thumbnails/${owner.id}/${material.id}.jpg`;
    await t.env.storage.putBuffer(thumbnail, Buffer.from("jpeg"), "image/jpeg");
    await t.env.database.db
      .update(materials)
      .set({ thumbnailPath: thumbnail, thumbnailStatus: "completed" })
      .where(eq(materials.id, material.id));

    const first = await remove(material.id, owner);
    expect(first.statusCode, first.body).toBe(204);
    expect(first.body).toBe("");
    expect(await t.env.storage.exists(material.file_path)).toBe(false);
    expect(await t.env.storage.exists(thumbnail)).toBe(false);
    const [row] = await t.env.database.db.select().from(materials).where(eq(materials.id, material.id));
    expect(row?.status).toBe("hidden");
    expect((await get(`status/${material.id}`, owner)).json()).toMatchObject({
      status: "hidden",
      message: "Material has been deleted",
    });

    const second = await remove(material.id, owner);
    expect(second.statusCode).toBe(400);
    expect(second.json().error.code).toBe("ALREADY_DELETED");
  });

  it("never removes the shared placeholder image", async () => {
    const material = await uploadPdf(owner);
    const placeholder = "placeholders/pdf.jpg";
    await t.env.storage.putBuffer(placeholder, Buffer.from("placeholder"), "image/jpeg");
    await t.env.database.db
      .update(materials)
      .set({ thumbnailPath: placeholder, thumbnailStatus: "failed" })
      .where(eq(materials.id, material.id));

    expect((await remove(material.id, owner)).statusCode).toBe(204);
    expect(await t.env.storage.exists(material.file_path)).toBe(false);
    expect(await t.env.storage.exists(placeholder)).toBe(true);
  });

  it("403 for anyone but the owner, admins included, and leaves the file", async () => {
    const material = await uploadPdf(owner);
    for (const user of [stranger, admin]) {
      const response = await remove(material.id, user);
      expect(response.statusCode).toBe(403);
      expect(response.json().error.code).toBe("FORBIDDEN");
    }
    expect(await t.env.storage.exists(material.file_path)).toBe(true);
  });

  it("404 for an unknown material", async () => {
    const response = await remove(999999, owner);
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe("NOT_FOUND");
  });

  it("400 INVALID_STATUS while the upload is still processing", async () => {
    const row = await insertMaterial(t.env.database.db, { uploaderId: owner.id, status: "processing" });
    const response = await remove(row.id, owner);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe("INVALID_STATUS");
  });

  it("401 without a token", async () => {
    const response = await t.app.inject({ method: "DELETE", url: "/api/v1/upload/1" });
    expect(response.statusCode).toBe(401);
  });
});
