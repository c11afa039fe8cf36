import { writePdf } from "@learning-hub/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app";
import { type RegisteredUser, registerUser } from "../support/auth";
import { fixture, multipartForm } from "../support/multipart";
import { leftovers, postUpload } from "../support/uploads";

let t: TestApp;
let alice: RegisteredUser;

beforeAll(async () => {
  t = await createTestApp();
  alice = await registerUser(t.app);
});
afterAll(() => t.close());

const upload = (filename: string, content: Buffer) =>
  postUpload(
    t,
    alice.accessToken,
    multipartForm([
      { name: "title", value: filename },
      { name: "file", filename, content },
    ]),
  );

describe("POST /api/v1/upload: the type comes from the leading bytes (file-type)", () => {
  it.each([
    ["video.mp4", "sample-720p.mp4", "video", "mp4"],
    ["video.webm", "sample.webm", "video", "webm"],
  ] as const)("accepts ffmpeg's %s", async (filename, media, type, format) => {
    const response = await upload(filename, fixture(media));
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({ type, file_format: format });
  });

  it("accepts a PDF", async () => {
    const response = await upload("notes.pdf", writePdf([["Hello"]]));
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({ type: "pdf", file_format: "pdf" });
  });

  it.each([
    ["an M4A (audio only)", "song.m4a", "sample-audio.m4a"],
    ["an M4A renamed .mp4", "song.mp4", "sample-audio.m4a"],
    ["a QuickTime movie renamed .mp4", "movie.mp4", "sample.mov"],
    ["a 3GPP video renamed .mp4", "phone.mp4", "sample.3gp"],
    ["Matroska renamed .webm", "video.webm", "sample.mkv"],
  ] as const)("refuses %s with 415 UNSUPPORTED_FILE_TYPE, storing nothing", async (_what, filename, media) => {
    const before = await leftovers(t, alice.id);
    const response = await upload(filename, fixture(media));
    expect(response.statusCode, response.body).toBe(415);
    expect(response.json()).toMatchObject({ error: { code: "UNSUPPORTED_FILE_TYPE", details: { filename } } });
    expect(await leftovers(t, alice.id)).toEqual(before);
  });
});
