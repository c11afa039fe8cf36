import { captionCues, materialContentVectors } from "@learning-hub/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app";
import { bearer, type RegisteredUser, registerUser } from "../support/auth";
import { multipartForm } from "../support/multipart";
import { postUpload } from "../support/uploads";
import { algorithmsPdf, tinyMp4 } from "./fixtures";

let t: TestApp;
let owner: RegisteredUser;
let other: RegisteredUser;
let video: number;
let pdf: number;

const LECTURE_VTT = [
  "WEBVTT",
  "",
  "1",
  "00:00:05.000 --> 00:00:09.000",
  "Welcome to week three",
  "",
  "2",
  "00:12:34.000 --> 00:12:40.000",
  "接下来我们讲<b>反向传播</b>算法",
  "",
].join("\n");

async function upload(user: RegisteredUser, title: string, filename: string, file: Buffer): Promise<number> {
  const response = await postUpload(
    t,
    user.accessToken,
    multipartForm([
      { name: "title", value: title },
      { name: "file", filename, content: file },
    ]),
  );
  if (response.statusCode !== 201) throw new Error(`upload failed: ${response.statusCode} ${response.body}`);
  return response.json().id;
}

function putCaptions(id: number, lang: string, body: string | Buffer, contentType: string, token = owner.accessToken) {
  return t.app.inject({
    method: "PUT",
    url: `/api/v1/materials/${id}/captions/${lang}`,
    headers: { ...bearer(token), "content-type": contentType },
    payload: body,
  });
}

async function search(q: string) {
  const response = await t.app.inject({ method: "GET", url: `/api/v1/search?q=${encodeURIComponent(q)}` });
  expect(response.statusCode).toBe(200);
  return response.json();
}

async function objectText(key: string): Promise<string> {
  return (await t.env.storage.getBuffer(key)).toString("utf8");
}

beforeAll(async () => {
  t = await createTestApp();
  owner = await registerUser(t.app);
  other = await registerUser(t.app);
  video = await upload(owner, "Deep learning, week 3", "week3.mp4", await tinyMp4());
  pdf = await upload(owner, "Handout", "handout.pdf", algorithmsPdf());
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe("PUT /api/v1/materials/{id}/captions/{lang}", () => {
  it("stores WebVTT, indexes each cue with its start time, and search finds the cue", async () => {
    const response = await putCaptions(video, "zh-hans", LECTURE_VTT, "text/vtt; charset=utf-8");
    expect(response.statusCode, response.body).toBe(200);
    const path = `captions/${owner.id}/${video}/zh-Hans.vtt`;
    expect(response.json()).toEqual({ lang: "zh-Hans", path });
    expect(await objectText(path)).toBe(LECTURE_VTT);

    const found = await search("反向传播");
    expect(found.items.map((item: { material: { id: number } }) => item.material.id)).toEqual([video]);
    expect(found.items[0].matches).toEqual([
      {
        field: "caption",
        page: null,
        start_seconds: 754,
        snippet: "接下来我们讲<mark>反向传播</mark>算法",
      },
    ]);
  });

  it("converts SRT to WebVTT and replaces the cues of an existing track", async () => {
    const srt =
      "1\r\n00:00:01,500 --> 00:00:03,000\r\n<i>Convexity</i> first\r\n\r\n2\r\n00:01:00,000 --> 00:01:02,000\r\nthen duality\r\n";
    const response = await putCaptions(video, "en", srt, "application/x-subrip");
    expect(response.statusCode, response.body).toBe(200);
    expect(await objectText(response.json().path)).toBe(
      "WEBVTT\n\n1\n00:00:01.500 --> 00:00:03.000\n<i>Convexity</i> first\n\n2\n00:01:00.000 --> 00:01:02.000\nthen duality\n",
    );
    expect((await search("duality")).items[0].matches[0]).toMatchObject({ field: "caption", start_seconds: 60 });

    const replaced = await putCaptions(video, "en", "WEBVTT\n\n00:02.000 --> 00:03.000\nstrong duality\n", "text/vtt");
    expect(replaced.statusCode).toBe(200);
    const cues = await t.env.database.db.select().from(captionCues).where(eq(captionCues.lang, "en"));
    expect(cues.map((cue) => [cue.startSeconds, cue.text])).toEqual([[2, "strong duality"]]);
    expect((await search("convexity")).total).toBe(0);
  });

  it("rejects a WebVTT file that does not parse, naming the line, and keeps nothing", async () => {
    const broken = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nfine\n\n00:00:03.000 -> 00:00:04.000\nbroken\n";
    const response = await putCaptions(video, "fr", broken, "text/vtt");
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({
      code: "VALIDATION_ERROR",
      message: expect.stringContaining("line 6"),
      details: { line: 6 },
    });
    const tracks = await t.app.inject({ method: "GET", url: `/api/v1/materials/${video}/captions` });
    expect(tracks.json().map((track: { lang: string }) => track.lang)).toEqual(["en", "zh-Hans"]);
  });

  it("rejects bad language tags, other media types, non-UTF-8, oversized bodies and PDFs", async () => {
    const bad = await putCaptions(video, "not_a_tag!", LECTURE_VTT, "text/vtt");
    expect([bad.statusCode, bad.json().error.code]).toEqual([400, "VALIDATION_ERROR"]);
    const json = await putCaptions(video, "de", JSON.stringify({ vtt: LECTURE_VTT }), "application/json");
    expect([json.statusCode, json.json().error.code]).toEqual([415, "UNSUPPORTED_FILE_TYPE"]);
    const plain = await putCaptions(video, "de", LECTURE_VTT, "text/plain");
    expect([plain.statusCode, plain.json().error.code]).toEqual([415, "UNSUPPORTED_FILE_TYPE"]);
    const latin1 = await putCaptions(
      video,
      "de",
      Buffer.from("WEBVTT\n\n00:01.000 --> 00:02.000\nGr\xfc\xdfe\n", "latin1"),
      "text/vtt",
    );
    expect([latin1.statusCode, latin1.json().error.code]).toEqual([400, "VALIDATION_ERROR"]);
    const huge = await putCaptions(video, "de", `WEBVTT\n\n${"x".repeat(2 * 1024 * 1024)}`, "text/vtt");
    expect([huge.statusCode, huge.json().error.code]).toEqual([413, "FILE_TOO_LARGE"]);
    const onPdf = await putCaptions(pdf, "de", LECTURE_VTT, "text/vtt");
    expect([onPdf.statusCode, onPdf.json().error.code]).toEqual([400, "INVALID_TYPE"]);
  });

  it("lets only the owner change captions", async () => {
    const put = await putCaptions(video, "de", LECTURE_VTT, "text/vtt", other.accessToken);
    expect([put.statusCode, put.json().error.code]).toEqual([403, "FORBIDDEN"]);
    const anonymous = await t.app.inject({
      method: "PUT",
      url: `/api/v1/materials/${video}/captions/de`,
      headers: { "content-type": "text/vtt" },
      payload: LECTURE_VTT,
    });
    expect(anonymous.statusCode).toBe(401);
    const del = await t.app.inject({
      method: "DELETE",
      url: `/api/v1/materials/${video}/captions/en`,
      headers: bearer(other.accessToken),
    });
    expect(del.statusCode).toBe(403);
    const missing = await putCaptions(999_999, "de", LECTURE_VTT, "text/vtt");
    expect(missing.statusCode).toBe(404);
  });
});

describe("GET and DELETE /api/v1/materials/{id}/captions", () => {
  it("lists the tracks, then deletes one with its object, cues and search entries", async () => {
    const list = await t.app.inject({ method: "GET", url: `/api/v1/materials/${video}/captions` });
    expect(list.json()).toEqual([
      { lang: "en", path: `captions/${owner.id}/${video}/en.vtt` },
      { lang: "zh-Hans", path: `captions/${owner.id}/${video}/zh-Hans.vtt` },
    ]);
    const deleted = await t.app.inject({
      method: "DELETE",
      url: `/api/v1/materials/${video}/captions/zh-Hans`,
      headers: bearer(owner.accessToken),
    });
    expect(deleted.statusCode).toBe(204);
    await expect(t.env.storage.getBuffer(`captions/${owner.id}/${video}/zh-Hans.vtt`)).rejects.toThrow();
    expect((await search("反向传播")).total).toBe(0);
    const again = await t.app.inject({
      method: "DELETE",
      url: `/api/v1/materials/${video}/captions/zh-Hans`,
      headers: bearer(owner.accessToken),
    });
    expect([again.statusCode, again.json().error.code]).toEqual([404, "NOT_FOUND"]);
  });

  it("removes every track with the video on DELETE /upload/{id}", async () => {
    const deleted = await t.app.inject({
      method: "DELETE",
      url: `/api/v1/upload/${video}`,
      headers: bearer(owner.accessToken),
    });
    expect(deleted.statusCode).toBe(204);
    await expect(t.env.storage.getBuffer(`captions/${owner.id}/${video}/en.vtt`)).rejects.toThrow();
    expect(await t.env.database.db.select().from(captionCues).where(eq(captionCues.materialId, video))).toEqual([]);
    const vectors = await t.env.database.db
      .select()
      .from(materialContentVectors)
      .where(eq(materialContentVectors.materialId, video));
    expect(vectors).toEqual([]);
    expect((await search("duality")).total).toBe(0);
    const list = await t.app.inject({ method: "GET", url: `/api/v1/materials/${video}/captions` });
    expect(list.statusCode).toBe(404);
  });
});
