import { randomBytes } from "node:crypto";
import { resumableUploads } from "@learning-hub/db";
import { resumableTailKey } from "@learning-hub/storage";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app";
import { bearer, type RegisteredUser, registerUser } from "../support/auth";
import { fakeMp4, RESUMABLE_PATH } from "../support/tus";
import { leftovers, rowsOf } from "../support/uploads";

const MiB = 1024 * 1024;
const TUS = { "tus-resumable": "1.0.0" };

const encodeMetadata = (fields: Record<string, string>) =>
  Object.entries(fields)
    .map(([key, value]) => `${key} ${Buffer.from(value).toString("base64")}`)
    .join(",");

describe("resumable uploads (tus): the rules of POST /upload", () => {
  let t: TestApp;
  let owner: RegisteredUser;
  let other: RegisteredUser;

  beforeAll(async () => {
    t = await createTestApp({ env: { RESUMABLE_MAX_UNFINISHED_PER_USER: "3", LOG_LEVEL: "error" } });
    owner = await registerUser(t.app);
    other = await registerUser(t.app);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  const create = (
    token: string,
    length: number,
    metadata: Record<string, string>,
    extra: Record<string, string> = {},
  ) =>
    t.app.inject({
      method: "POST",
      url: RESUMABLE_PATH,
      headers: {
        ...bearer(token),
        ...TUS,
        "upload-length": String(length),
        "upload-metadata": encodeMetadata(metadata),
        ...extra,
      },
    });

  const patch = (token: string, location: string, offset: number, body: Buffer) =>
    t.app.inject({
      method: "PATCH",
      url: location,
      headers: {
        ...bearer(token),
        ...TUS,
        "upload-offset": String(offset),
        "content-type": "application/offset+octet-stream",
      },
      payload: body,
    });

  const head = (token: string, location: string) =>
    t.app.inject({ method: "HEAD", url: location, headers: { ...bearer(token), ...TUS } });

  async function createOk(token: string, length: number, filename = "talk.mp4") {
    const res = await create(token, length, { filename, title: "A talk" });
    expect(res.statusCode, res.body).toBe(201);
    return res.headers.location as string;
  }

  it("creates a processing material and answers tus headers; a PATCH in small chunks keeps the offset exact", async () => {
    const owner = await registerUser(t.app);
    const file = fakeMp4(6 * MiB + 123);
    const location = await createOk(owner.accessToken, file.length);
    expect(location).toMatch(new RegExp(`^${RESUMABLE_PATH}/[A-Za-z0-9]+$`));
    const [row] = await rowsOf(t, owner.id);
    expect(row).toMatchObject({ status: "processing", type: "video", fileFormat: "mp4", title: "A talk" });

    // Chunks below S3's 5 MiB part minimum: the bytes wait in the tail object between PATCHes.
    let offset = 0;
    for (const size of [1000, 3 * MiB, 2 * MiB]) {
      const res = await patch(owner.accessToken, location, offset, file.subarray(offset, offset + size));
      expect(res.statusCode, res.body).toBe(204);
      expect(res.headers["tus-resumable"]).toBe("1.0.0");
      expect(res.headers["upload-expires"]).toBeTruthy();
      offset += size;
      expect(Number(res.headers["upload-offset"])).toBe(offset);
    }
    const probe = await head(owner.accessToken, location);
    expect(probe.statusCode).toBe(200);
    expect(probe.headers).toMatchObject({ "upload-offset": String(offset), "upload-length": String(file.length) });

    const last = await patch(owner.accessToken, location, offset, file.subarray(offset));
    expect(last.statusCode, last.body).toBe(204);
    expect(last.headers["x-material-id"]).toBe(String(row?.id));
    const [active] = await rowsOf(t, owner.id);
    expect(active).toMatchObject({ status: "active", fileSize: file.length });
    expect((await t.env.storage.getBuffer(active?.filePath ?? "")).equals(file)).toBe(true);
    // The thumbnail is queued, as for POST /upload.
    expect(await t.queues.thumbnails.getJob(`thumbnail-${row?.id}`)).toBeTruthy();
    // Finished: the upload itself is gone.
    expect((await head(owner.accessToken, location)).statusCode).toBe(404);
    const removed = await t.app.inject({
      method: "DELETE",
      url: `/api/v1/materials/${row?.id}`,
      headers: bearer(owner.accessToken),
    });
    expect(removed.statusCode, removed.body).toBe(204);
  });

  it("goes on after a process died between writing a longer tail and saving its length", async () => {
    const uploader = await registerUser(t.app);
    const file = fakeMp4(3 * MiB);
    const location = await createOk(uploader.accessToken, file.length);
    const id = location.split("/").pop() ?? "";
    expect((await patch(uploader.accessToken, location, 0, file.subarray(0, MiB))).statusCode).toBe(204);
    // What the dead process left: the tail object already holds more bytes than the state says.
    await t.env.storage.putBuffer(resumableTailKey(id), file.subarray(0, MiB + 500), "application/octet-stream");
    const rest = await patch(uploader.accessToken, location, MiB, file.subarray(MiB));
    expect(rest.statusCode, rest.body).toBe(204);
    const [row] = await rowsOf(t, uploader.id);
    expect((await t.env.storage.getBuffer(row?.filePath ?? "")).equals(file)).toBe(true);
  });

  it("refuses a declared length over the type's limit at creation: 413 FILE_TOO_LARGE, nothing created", async () => {
    const res = await create(owner.accessToken, 500 * MiB + 1, { filename: "big.mp4", title: "Big" });
    expect(res.statusCode).toBe(413);
    expect(res.headers["tus-resumable"]).toBe("1.0.0");
    expect(res.json().error.code).toBe("FILE_TOO_LARGE");
    const pdf = await create(owner.accessToken, 50 * MiB + 1, { filename: "big.pdf", title: "Big" });
    expect(pdf.statusCode).toBe(413);
    expect(await t.env.database.db.select().from(resumableUploads)).toHaveLength(0);
  });

  it("validates metadata at creation: 400 VALIDATION_ERROR with the fields", async () => {
    const noTitle = await create(owner.accessToken, 100, { filename: "a.mp4" });
    expect(noTitle.statusCode).toBe(400);
    expect(noTitle.json().error).toMatchObject({
      code: "VALIDATION_ERROR",
      details: { fields: [{ field: "title", reason: "is required" }] },
    });
    const longTitle = await create(owner.accessToken, 100, { filename: "a.mp4", title: "x".repeat(256) });
    expect(longTitle.json().error.details.fields).toEqual([
      { field: "title", reason: "must be at most 255 characters" },
    ]);
    const noName = await create(owner.accessToken, 100, { title: "T" });
    expect(noName.json().error.details.fields).toEqual([{ field: "filename", reason: "is required" }]);
    const exe = await create(owner.accessToken, 100, { filename: "a.exe", title: "T" });
    expect(exe.statusCode).toBe(415);
    expect(exe.json().error.code).toBe("UNSUPPORTED_FILE_TYPE");
    const deferred = await t.app.inject({
      method: "POST",
      url: RESUMABLE_PATH,
      headers: {
        ...bearer(owner.accessToken),
        ...TUS,
        "upload-defer-length": "1",
        "upload-metadata": encodeMetadata({ filename: "a.mp4", title: "T" }),
      },
    });
    expect(deferred.statusCode).toBe(400);
    expect(deferred.json().error.details.fields[0].field).toBe("Upload-Defer-Length");
    const noTus = await t.app.inject({
      method: "POST",
      url: RESUMABLE_PATH,
      headers: { ...bearer(owner.accessToken), "upload-length": "5" },
    });
    expect(noTus.statusCode).toBe(412);
    expect(noTus.json().error.code).toBe("VALIDATION_ERROR");
    expect(await leftovers(t, owner.id)).toEqual({ rows: 0, objects: 0 });
  });

  it("requires the Bearer token on every request", async () => {
    const location = await createOk(owner.accessToken, 10_000);
    for (const method of ["POST", "HEAD", "PATCH", "DELETE"] as const) {
      const res = await t.app.inject({ method, url: method === "POST" ? RESUMABLE_PATH : location, headers: TUS });
      expect(res.statusCode).toBe(401);
      expect(res.headers["tus-resumable"]).toBe("1.0.0");
    }
    await t.app.inject({ method: "DELETE", url: location, headers: { ...bearer(owner.accessToken), ...TUS } });
  });

  it("answers 404 to another user's HEAD, PATCH and DELETE, and leaves the upload alone", async () => {
    const file = fakeMp4(8192);
    const location = await createOk(owner.accessToken, file.length);
    expect((await head(other.accessToken, location)).statusCode).toBe(404);
    const foreignPatch = await patch(other.accessToken, location, 0, file);
    expect(foreignPatch.statusCode).toBe(404);
    expect(foreignPatch.json().error.code).toBe("NOT_FOUND");
    const foreignDelete = await t.app.inject({
      method: "DELETE",
      url: location,
      headers: { ...bearer(other.accessToken), ...TUS },
    });
    expect(foreignDelete.statusCode).toBe(404);
    const probe = await head(owner.accessToken, location);
    expect(probe.statusCode).toBe(200);
    expect(probe.headers["upload-offset"]).toBe("0");
    await t.app.inject({ method: "DELETE", url: location, headers: { ...bearer(owner.accessToken), ...TUS } });
  });

  it("answers 409 in the envelope to a PATCH at the wrong offset", async () => {
    const file = fakeMp4(8192);
    const location = await createOk(owner.accessToken, file.length);
    const res = await patch(owner.accessToken, location, 100, file.subarray(100));
    expect(res.statusCode).toBe(409);
    expect(res.headers["tus-resumable"]).toBe("1.0.0");
    expect(res.json().error.code).toBe("UPLOAD_OFFSET_CONFLICT");
    await t.app.inject({ method: "DELETE", url: location, headers: { ...bearer(owner.accessToken), ...TUS } });
  });

  it("terminates an upload whose first bytes are not of the declared type: 415, rows, parts and tail gone", async () => {
    const location = await createOk(owner.accessToken, 7 * MiB);
    const id = location.split("/").pop() ?? "";
    const [state] = await t.env.database.db.select().from(resumableUploads).where(eq(resumableUploads.id, id));
    const [material] = await rowsOf(t, owner.id);
    const res = await patch(owner.accessToken, location, 0, randomBytes(1 * MiB));
    expect(res.statusCode, res.body).toBe(415);
    expect(res.json().error.code).toBe("UNSUPPORTED_FILE_TYPE");
    expect((await head(owner.accessToken, location)).statusCode).toBe(404);
    expect(await leftovers(t, owner.id)).toEqual({ rows: 0, objects: 0 });
    expect(await t.env.storage.exists(resumableTailKey(id))).toBe(false);
    // The multipart upload itself is gone: completing it now fails.
    const completion = [{ part: 1, etag: "x" }];
    await expect(
      t.env.storage.completeMultipart(material?.filePath ?? "", state?.multipartUploadId ?? "", completion),
    ).rejects.toThrow();
  });

  it("refuses a creation-with-upload whose bytes are not of the declared type: 415, nothing left", async () => {
    const uploader = await registerUser(t.app);
    const res = await t.app.inject({
      method: "POST",
      url: RESUMABLE_PATH,
      headers: {
        ...bearer(uploader.accessToken),
        ...TUS,
        "upload-length": String(2 * MiB),
        "upload-metadata": encodeMetadata({ filename: "slides.pdf", title: "Slides" }),
        "content-type": "application/offset+octet-stream",
      },
      payload: fakeMp4(MiB), // an mp4 named .pdf
    });
    expect(res.statusCode, res.body).toBe(415);
    expect(res.json().error.code).toBe("UNSUPPORTED_FILE_TYPE");
    expect(await leftovers(t, uploader.id)).toEqual({ rows: 0, objects: 0 });
  });

  it("terminates on DELETE: parts, tail object and material row removed", async () => {
    const file = fakeMp4(9 * MiB);
    const location = await createOk(owner.accessToken, file.length + 100);
    const id = location.split("/").pop() ?? "";
    expect((await patch(owner.accessToken, location, 0, file)).statusCode).toBe(204);
    const [state] = await t.env.database.db.select().from(resumableUploads).where(eq(resumableUploads.id, id));
    expect(state).toMatchObject({ offset: file.length, tailBytes: 1 * MiB });
    expect(state?.partEtags).toHaveLength(1);
    expect(await t.env.storage.exists(resumableTailKey(id))).toBe(true);

    const res = await t.app.inject({
      method: "DELETE",
      url: location,
      headers: { ...bearer(owner.accessToken), ...TUS },
    });
    expect(res.statusCode).toBe(204);
    expect(await leftovers(t, owner.id)).toEqual({ rows: 0, objects: 0 });
    expect(await t.env.storage.exists(resumableTailKey(id))).toBe(false);
    expect(await t.env.database.db.select().from(resumableUploads)).toHaveLength(0);
  });

  it("caps unfinished uploads per user: 429 TOO_MANY_UPLOADS past the limit", async () => {
    const locations = [];
    for (let i = 0; i < 3; i++) locations.push(await createOk(owner.accessToken, 10_000));
    const res = await create(owner.accessToken, 10_000, { filename: "four.mp4", title: "Four" });
    expect(res.statusCode).toBe(429);
    expect(res.json().error).toMatchObject({ code: "TOO_MANY_UPLOADS", details: { max_unfinished: 3 } });
    // Other users have their own allowance.
    const others = await create(other.accessToken, 10_000, { filename: "mine.mp4", title: "Mine" });
    expect(others.statusCode).toBe(201);
    for (const location of [...locations, others.headers.location as string]) {
      const token = location === others.headers.location ? other.accessToken : owner.accessToken;
      await t.app.inject({ method: "DELETE", url: location, headers: { ...bearer(token), ...TUS } });
    }
  });

  it("holds the cap under concurrent creations: exactly the cap succeeds, the refused leave nothing behind", async () => {
    const racer = await registerUser(t.app);
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        create(racer.accessToken, 10_000, { filename: `race-${i}.mp4`, title: `Race ${i}` }),
      ),
    );
    const created = answers.filter((res) => res.statusCode === 201);
    const refused = answers.filter((res) => res.statusCode === 429);
    expect(created).toHaveLength(3);
    expect(refused).toHaveLength(5);
    for (const res of refused) expect(res.json().error).toMatchObject({ code: "TOO_MANY_UPLOADS" });
    // The refused ones' material rows and multipart uploads are gone; the created ones are intact.
    expect(await rowsOf(t, racer.id)).toHaveLength(3);
    const states = await t.env.database.db.select().from(resumableUploads).where(eq(resumableUploads.userId, racer.id));
    expect(states).toHaveLength(3);
    for (const res of created) {
      const location = res.headers.location as string;
      expect((await head(racer.accessToken, location)).headers["upload-offset"]).toBe("0");
      await t.app.inject({ method: "DELETE", url: location, headers: { ...bearer(racer.accessToken), ...TUS } });
    }
    expect(await leftovers(t, racer.id)).toEqual({ rows: 0, objects: 0 });
  });
});

describe("resumable uploads (tus): CORS for browser clients", () => {
  let t: TestApp;
  let user: RegisteredUser;
  beforeAll(async () => {
    t = await createTestApp({ env: { CORS_ORIGINS: "https://app.example.edu" } });
    user = await registerUser(t.app);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it("allows the tus request headers in preflight and exposes the tus response headers", async () => {
    const origin = "https://app.example.edu";
    const preflight = await t.app.inject({
      method: "OPTIONS",
      url: `${RESUMABLE_PATH}/abc`,
      headers: {
        origin,
        "access-control-request-method": "PATCH",
        "access-control-request-headers":
          "authorization,tus-resumable,upload-offset,upload-length,upload-metadata,content-type",
      },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers["access-control-allow-origin"]).toBe(origin);
    const allowed = String(preflight.headers["access-control-allow-headers"]).toLowerCase();
    for (const header of ["authorization", "tus-resumable", "upload-offset", "upload-length", "upload-metadata"]) {
      expect(allowed).toContain(header);
    }
    expect(String(preflight.headers["access-control-allow-methods"])).toContain("PATCH");

    const created = await t.app.inject({
      method: "POST",
      url: RESUMABLE_PATH,
      headers: {
        origin,
        ...bearer(user.accessToken),
        ...TUS,
        "upload-length": "10000",
        "upload-metadata": encodeMetadata({ filename: "a.mp4", title: "A" }),
      },
    });
    expect(created.statusCode).toBe(201);
    expect(created.headers["access-control-allow-origin"]).toBe(origin);
    const exposed = String(created.headers["access-control-expose-headers"]).toLowerCase();
    for (const header of [
      "location",
      "upload-offset",
      "upload-length",
      "tus-resumable",
      "upload-expires",
      "x-material-id",
    ]) {
      expect(exposed).toContain(header);
    }
    // An error answer is readable cross-origin too.
    const refused = await t.app.inject({
      method: "HEAD",
      url: `${RESUMABLE_PATH}/nope`,
      headers: { origin, ...bearer(user.accessToken), ...TUS },
    });
    expect(refused.statusCode).toBe(404);
    expect(refused.headers["access-control-allow-origin"]).toBe(origin);
  });
});
