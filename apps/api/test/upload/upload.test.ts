import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestApp, type TestApp } from "../support/app";
import { bearer, type RegisteredUser, registerUser } from "../support/auth";
import { type FormPart, fixture, multipartForm, sizedContent } from "../support/multipart";
import { leftovers, objectsOf, postUpload, rowsOf } from "../support/uploads";

let t: TestApp;
let alice: RegisteredUser;

beforeAll(async () => {
  t = await createTestApp();
  alice = await registerUser(t.app);
});
afterAll(() => t.close());

const fileKey = (userId: number, name: string) => new RegExp(`^materials/${userId}/\\d{8}_\\d{6}_${name}$`);

async function publicBytes(filePath: string): Promise<Buffer> {
  const response = await fetch(`${t.env.config.storage.publicUrl}/${filePath}`);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

describe("POST /api/v1/upload: stored files", () => {
  it.each([
    { fixtureName: "sample-720p.mp4", filename: "Lecture 1 (intro).mp4", type: "video", format: "mp4" },
    { fixtureName: "sample.webm", filename: "clip.webm", type: "video", format: "webm" },
    { fixtureName: "handout-5-pages.pdf", filename: "handout.PDF", type: "pdf", format: "pdf" },
  ])("stores $fixtureName as $type/$format with the bytes sent", async ({ fixtureName, filename, type, format }) => {
    const bytes = fixture(fixtureName);
    const form = multipartForm([
      { name: "title", value: `Title of ${fixtureName}` },
      { name: "description", value: "What it is about" },
      { name: "file", filename, content: bytes, contentType: "application/octet-stream" },
    ]);
    const response = await postUpload(t, alice.accessToken, form);
    expect(response.statusCode, response.body).toBe(201);

    const material = response.json();
    expect(material).toMatchObject({
      title: `Title of ${fixtureName}`,
      description: "What it is about",
      type,
      file_format: format,
      file_size: bytes.length,
      thumbnail_path: null,
      thumbnail_status: "pending",
      uploader_id: alice.id,
      view_count: 0,
      like_count: 0,
      status: "active",
    });
    expect(material.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const safeName = { mp4: "Lecture_1_intro.mp4", webm: "clip.webm", pdf: "handout.pdf" }[format] ?? "";
    expect(material.file_path).toMatch(fileKey(alice.id, safeName));
    expect((await publicBytes(material.file_path)).equals(bytes)).toBe(true);
    const stat = await t.env.storage.stat(material.file_path);
    expect(stat?.contentType).toBe(format === "pdf" ? "application/pdf" : `video/${format}`);

    // The thumbnail job is queued under an id derived from the material.
    const job = await t.queues.thumbnails.getJob(`thumbnail-${material.id}`);
    expect(job?.data).toEqual({ materialId: material.id });
  });

  it("accepts the title and description after the file", async () => {
    const user = await registerUser(t.app);
    const bytes = fixture("handout-5-pages.pdf");
    const form = multipartForm([
      { name: "file", filename: "notes.pdf", content: bytes },
      { name: "title", value: "  Notes, sent last  " },
      { name: "description", value: "after the file" },
    ]);
    const response = await postUpload(t, user.accessToken, form);
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({ title: "Notes, sent last", description: "after the file" });
    const [row] = await rowsOf(t, user.id);
    expect(row).toMatchObject({ title: "Notes, sent last", status: "active", fileSize: bytes.length });
  });

  it("streams a file larger than several parts intact", async () => {
    const user = await registerUser(t.app);
    const total = 20 * 1024 * 1024 + 12_345;
    const content = sizedContent(fixture("sample-720p.mp4"), total);
    const form = multipartForm([
      { name: "title", value: "Long one" },
      { name: "file", filename: "long.mp4", content },
    ]);
    const response = await postUpload(t, user.accessToken, form);
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().file_size).toBe(total);
    const stored = await publicBytes(response.json().file_path);
    expect(stored.equals(Buffer.concat([...content()]))).toBe(true);
  });

  it("keeps both files when two of the same name arrive in the same second", async () => {
    const user = await registerUser(t.app);
    vi.useFakeTimers({ toFake: ["Date"], now: new Date() });
    try {
      const contents = [
        fixture("handout-5-pages.pdf"),
        Buffer.concat([fixture("handout-5-pages.pdf"), Buffer.from("x")]),
      ];
      const responses = await Promise.all(
        contents.map((content) =>
          postUpload(
            t,
            user.accessToken,
            multipartForm([
              { name: "title", value: "Same name" },
              { name: "file", filename: "same.pdf", content },
            ]),
          ),
        ),
      );
      expect(responses.map((r) => r.statusCode)).toEqual([201, 201]);
      const paths = responses.map((r) => r.json().file_path as string);
      expect(new Set(paths).size).toBe(2);
      expect(paths.some((path) => fileKey(user.id, "same.pdf").test(path))).toBe(true);
      expect(paths.some((path) => fileKey(user.id, "same_[0-9a-f]{8}\\.pdf").test(path))).toBe(true);
      const stored = await Promise.all(paths.map(publicBytes));
      const sizes = responses.map((r) => r.json().file_size);
      expect(stored.map((bytes) => bytes.length)).toEqual(sizes);
      expect([...sizes].sort()).toEqual(contents.map((c) => c.length).sort());
    } finally {
      vi.useRealTimers();
    }
  });

  it("serves 10 parallel uploads by different users, each under its own key", async () => {
    const users = await Promise.all(Array.from({ length: 10 }, () => registerUser(t.app)));
    const bytes = fixture("sample.webm");
    const responses = await Promise.all(
      users.map((user, i) =>
        postUpload(
          t,
          user.accessToken,
          multipartForm([
            { name: "title", value: `Parallel ${i}` },
            { name: "file", filename: "lesson.webm", content: bytes },
          ]),
        ),
      ),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(Array(10).fill(201));
    const paths = responses.map((r) => r.json().file_path as string);
    expect(new Set(paths).size).toBe(10);
    expect(paths).toEqual(users.map((user) => expect.stringMatching(fileKey(user.id, "lesson.webm"))));
    for (const path of paths) expect((await publicBytes(path)).equals(bytes)).toBe(true);
  });
});

describe("POST /api/v1/upload: refused uploads leave nothing behind", () => {
  let user: RegisteredUser;
  beforeAll(async () => {
    user = await registerUser(t.app);
  });

  async function expectRefused(parts: FormPart[], status: number, code: string) {
    const response = await postUpload(t, user.accessToken, multipartForm(parts));
    expect(response.statusCode, response.body).toBe(status);
    expect(response.json().error.code).toBe(code);
    expect(await leftovers(t, user.id)).toEqual({ rows: 0, objects: 0 });
    return response.json().error;
  }

  it.each([
    { filename: "notes.txt", content: Buffer.from("plain text notes\n") },
    { filename: "not-a-video.mp4", content: fixture("not-a-video.mp4") },
    { filename: "clip.mp4", content: fixture("sample.webm") },
    { filename: "slides.pdf", content: fixture("sample-720p.mp4") },
    { filename: "handout", content: fixture("handout-5-pages.pdf") },
    { filename: "empty.pdf", content: Buffer.alloc(0) },
  ])("415 for $filename", async ({ filename, content }) => {
    await expectRefused(
      [
        { name: "title", value: "Refused" },
        { name: "file", filename, content },
      ],
      415,
      "UNSUPPORTED_FILE_TYPE",
    );
  });

  it("413 for a pdf of 52428801 bytes, with the title after the file", async () => {
    const content = sizedContent(Buffer.from("%PDF-1.7\n"), 52_428_801);
    const error = await expectRefused(
      [
        { name: "file", filename: "huge.pdf", content },
        { name: "title", value: "Too big" },
      ],
      413,
      "FILE_TOO_LARGE",
    );
    expect(error.details).toEqual({ max_bytes: 52_428_800 });
  });

  it("accepts a pdf of exactly 52428800 bytes", async () => {
    const other = await registerUser(t.app);
    const content = sizedContent(Buffer.from("%PDF-1.7\n"), 52_428_800);
    const form = multipartForm([
      { name: "title", value: "Just fits" },
      { name: "file", filename: "fits.pdf", content },
    ]);
    const response = await postUpload(t, other.accessToken, form);
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().file_size).toBe(52_428_800);
    expect((await t.env.storage.stat(response.json().file_path))?.size).toBe(52_428_800);
  });

  it.each([
    { label: "missing title, file first", parts: [] as FormPart[], reason: "is required" },
    { label: "empty title after the file", parts: [{ name: "title", value: "" }], reason: "must not be empty" },
    { label: "blank title after the file", parts: [{ name: "title", value: "   " }], reason: "must not be empty" },
    {
      label: "title of 256 characters after the file",
      parts: [{ name: "title", value: "標".repeat(256) }],
      reason: "must be at most 255 characters",
    },
  ])("400 for $label", async ({ parts, reason }) => {
    const error = await expectRefused(
      [{ name: "file", filename: "a.pdf", content: fixture("handout-5-pages.pdf") }, ...parts],
      400,
      "VALIDATION_ERROR",
    );
    expect(error.details.fields).toEqual([{ field: "title", reason }]);
  });

  it("400 for an empty title before the file, without reading the file", async () => {
    const error = await expectRefused(
      [
        { name: "title", value: "" },
        { name: "file", filename: "a.pdf", content: fixture("handout-5-pages.pdf") },
      ],
      400,
      "VALIDATION_ERROR",
    );
    expect(error.details.fields).toEqual([{ field: "title", reason: "must not be empty" }]);
  });

  it("400 with details.fields when the file is missing", async () => {
    const error = await expectRefused([{ name: "title", value: "No file" }], 400, "VALIDATION_ERROR");
    expect(error.details.fields).toEqual([{ field: "file", reason: "is required" }]);
  });

  it("400 listing both when file and title are missing", async () => {
    const error = await expectRefused([{ name: "description", value: "only this" }], 400, "VALIDATION_ERROR");
    expect(error.details.fields).toEqual([
      { field: "file", reason: "is required" },
      { field: "title", reason: "is required" },
    ]);
  });

  it("400 for a second file", async () => {
    const pdf = fixture("handout-5-pages.pdf");
    const error = await expectRefused(
      [
        { name: "title", value: "Two files" },
        { name: "file", filename: "a.pdf", content: pdf },
        { name: "file", filename: "b.pdf", content: pdf },
      ],
      400,
      "VALIDATION_ERROR",
    );
    expect(error.details.fields).toEqual([{ field: "file", reason: "send exactly one file" }]);
  });

  it("400 for a description over the field size limit", async () => {
    const error = await expectRefused(
      [
        { name: "title", value: "Long description" },
        { name: "file", filename: "a.pdf", content: fixture("handout-5-pages.pdf") },
        { name: "description", value: "d".repeat(70_000) },
      ],
      400,
      "VALIDATION_ERROR",
    );
    expect(error.details.fields).toEqual([{ field: "description", reason: "must be at most 65536 bytes" }]);
  });

  it("422 for a body that is not multipart", async () => {
    const response = await t.app.inject({
      method: "POST",
      url: "/api/v1/upload",
      headers: bearer(user.accessToken),
      payload: { title: "json" },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe("VALIDATION_ERROR");
  });

  it("422 for malformed multipart (a body cut off inside the file)", async () => {
    const form = multipartForm([
      { name: "title", value: "Cut" },
      { name: "file", filename: "a.pdf", content: fixture("handout-5-pages.pdf") },
    ]);
    const whole = await form.buffer();
    const response = await t.app.inject({
      method: "POST",
      url: "/api/v1/upload",
      headers: { ...bearer(user.accessToken), ...form.headers },
      payload: whole.subarray(0, whole.length - 2000),
    });
    expect(response.statusCode, response.body).toBe(422);
    expect(response.json().error.code).toBe("VALIDATION_ERROR");
    expect(await leftovers(t, user.id)).toEqual({ rows: 0, objects: 0 });
  });

  it("422 for a multipart content type without a boundary", async () => {
    const response = await t.app.inject({
      method: "POST",
      url: "/api/v1/upload",
      headers: { ...bearer(user.accessToken), "content-type": "multipart/form-data" },
      payload: "garbage",
    });
    expect(response.statusCode, response.body).toBe(422);
    expect(response.json().error.code).toBe("VALIDATION_ERROR");
  });

  it("401 without a token", async () => {
    const form = multipartForm([
      { name: "title", value: "Anonymous" },
      { name: "file", filename: "a.pdf", content: fixture("handout-5-pages.pdf") },
    ]);
    const response = await t.app.inject({
      method: "POST",
      url: "/api/v1/upload",
      headers: form.headers,
      payload: form.stream(),
    });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe("UNAUTHORIZED");
  });

  it("has stored nothing for this user across all the refusals", async () => {
    expect(await objectsOf(t, user.id)).toEqual([]);
  });
});
