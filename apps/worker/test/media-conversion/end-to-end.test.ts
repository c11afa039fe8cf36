import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  flatPresentation,
  flatText,
  generateVideo,
  pdfPageCount,
  saveWithLibreOffice,
  streamCodecs,
  videoStreamHash,
  writeZip,
} from "@learning-hub/testing/media-files";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestApp, type TestApp } from "../../../api/test/support/app";
import { bearer, type RegisteredUser, registerUser } from "../../../api/test/support/auth";
import { multipartForm } from "../../../api/test/support/multipart";
import { postUpload } from "../../../api/test/support/uploads";
import { decodeImage, isMoovBeforeMdat } from "../../src/media";
import { type WorkerHarness, workerHarnessOn } from "../support/worker-harness";

let t: TestApp;
let worker: WorkerHarness;
let owner: RegisteredUser;
let other: RegisteredUser;
let dir: string;
const files: Record<string, string> = {};

interface UploadStatus {
  status: "processing" | "active" | "hidden";
  stage: "uploading" | "converting" | "transcoding" | "ready" | "failed";
  progress: number;
  failure_reason: string | null;
}

beforeAll(async () => {
  t = await createTestApp({ env: { MEDIA_ATTEMPTS: "1", PAGE_PREVIEW_MAX_PAGES: "300" } });
  worker = workerHarnessOn(t.env);
  await worker.start({ queues: ["thumbnails", "media"] });
  owner = await registerUser(t.app);
  other = await registerUser(t.app);
  dir = await mkdtemp(path.join(tmpdir(), "media-conversion-e2e-"));
  Object.assign(
    files,
    await saveWithLibreOffice(dir, "deck", flatPresentation(3), "fodp", ["pptx"]),
    await saveWithLibreOffice(dir, "notes", flatText(2), "fodt", ["docx"]),
  );
  const h264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"];
  files.mov = path.join(dir, "talk.mov");
  files.mp4 = path.join(dir, "clip.mp4");
  await generateVideo(files.mp4, { seconds: 4, codecArgs: [...h264, "-movflags", "+faststart"] });
  files.mkv = path.join(dir, "talk.mkv");
  await generateVideo(files.mov, { seconds: 3, codecArgs: h264 });
  // Long enough for the transcode to report progress a few times.
  await generateVideo(files.mkv, {
    seconds: 40,
    size: "640x360",
    codecArgs: ["-c:v", "mpeg4", "-q:v", "4", "-c:a", "libopus"],
  });
  files.bomb = path.join(dir, "bomb.docx");
  await writeFile(
    files.bomb,
    await writeZip([
      // Declares itself a Word document, so it passes upload sniffing and reaches the worker's checks.
      {
        name: "[Content_Types].xml",
        data: Buffer.from(
          '<Types><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        ),
      },
      { name: "word/document.xml", zeros: 600 * 1024 * 1024 },
    ]),
  );
}, 180_000);

afterAll(async () => {
  await worker?.close();
  await t?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function upload(file: string, filename: string): Promise<{ id: number; body: Record<string, unknown> }> {
  const form = multipartForm([
    { name: "title", value: `Upload of ${filename}` },
    { name: "file", filename, content: await readFile(file) },
  ]);
  const response = await postUpload(t, owner.accessToken, form);
  expect(response.statusCode, response.body).toBe(201);
  const body = response.json() as Record<string, unknown>;
  return { id: body.id as number, body };
}

async function status(id: number): Promise<UploadStatus> {
  const response = await t.app.inject({
    method: "GET",
    url: `/api/v1/upload/status/${id}`,
    headers: bearer(owner.accessToken),
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as UploadStatus;
}

function settled(id: number, timeout = 120_000): Promise<UploadStatus> {
  return vi.waitFor(
    async () => {
      const current = await status(id);
      if (current.stage !== "ready" && current.stage !== "failed")
        throw new Error(`material ${id} is ${current.stage}`);
      return current;
    },
    { timeout, interval: 100 },
  );
}

const get = (url: string, user?: RegisteredUser) =>
  t.app.inject({ method: "GET", url, headers: user ? bearer(user.accessToken) : {} });

async function download(key: string): Promise<string> {
  const local = path.join(dir, key.replaceAll("/", "_"));
  await writeFile(local, await t.env.storage.getBuffer(key));
  return local;
}

async function expectInvisibleToOthers(id: number): Promise<void> {
  expect((await get(`/api/v1/materials/${id}`, other)).statusCode).toBe(404);
  expect((await get(`/api/v1/materials/${id}/pages`, other)).statusCode).toBe(404);
  expect((await get(`/api/v1/materials/${id}`)).statusCode).toBe(404);
  const list = (await get("/api/v1/materials?page_size=100", other)).json() as { items: Array<{ id: number }> };
  expect(list.items.map((item) => item.id)).not.toContain(id);
}

describe("office documents become PDFs before anyone else sees them", () => {
  it.each([
    ["pptx", "Lecture 1.pptx", 3],
    ["docx", "Notes.docx", 2],
  ] as const)(
    "a %s becomes a PDF of one page per slide, with a thumbnail and a preview of every page",
    async (key, filename, pages) => {
      const { id, body } = await upload(files[key] as string, filename);
      expect(body).toMatchObject({ status: "processing", type: "pdf", file_format: key });
      // Stored, waiting for (or in) the conversion: the owner sees the stage, others nothing.
      expect((await status(id)).stage).toMatch(/^(converting|ready)$/);
      await expectInvisibleToOthers(id);

      const done = await settled(id);
      expect(done).toMatchObject({ status: "active", stage: "ready", progress: 100, failure_reason: null });
      const detail = (await get(`/api/v1/materials/${id}`, other)).json() as Record<string, string>;
      expect(detail.file_format).toBe(key);
      expect(detail.file_path).toMatch(new RegExp(`\\.${key}\\.pdf$`));
      expect(detail.source_path).toMatch(new RegExp(`\\.${key}$`));
      expect(await pdfPageCount(await download(detail.file_path as string))).toBe(pages);
      expect(
        (await t.env.storage.getBuffer(detail.source_path as string)).equals(await readFile(files[key] as string)),
      ).toBe(true);

      const previews = await vi.waitFor(
        async () => {
          const response = await get(`/api/v1/materials/${id}/pages`, other);
          expect(response.statusCode).toBe(200);
          const list = response.json() as {
            page_count: number;
            pages: Array<{ page: number; preview_path: string; width: number; height: number }>;
          };
          if (list.page_count === 0) throw new Error("no previews yet");
          return list;
        },
        { timeout: 60_000, interval: 100 },
      );
      expect(previews.page_count).toBe(pages);
      expect(previews.pages.map((p) => p.page)).toEqual(Array.from({ length: pages }, (_, i) => i + 1));
      for (const page of previews.pages) {
        expect(page.width).toBe(320);
        const image = await decodeImage(await t.env.storage.getBuffer(page.preview_path));
        expect([image.width, image.height]).toEqual([320, page.height]);
      }
      const thumbnail = (await get(`/api/v1/upload/thumbnail-status/${id}`, owner)).json() as {
        thumbnail_status: string;
      };
      expect(thumbnail.thumbnail_status).toBe("completed");
    },
    180_000,
  );

  it("refuses a zip bomb named .docx without converting it, keeps the original and tells the owner why", async () => {
    const { id } = await upload(files.bomb as string, "bomb.docx");
    const failed = await settled(id, 60_000);
    expect(failed).toMatchObject({ status: "processing", stage: "failed" });
    expect(failed.failure_reason).toMatch(/inflates to more than/);
    await expectInvisibleToOthers(id);
    // Listed for an admin retry, and the owner can delete it, originals included.
    const row = (await t.env.database.sql`select file_path from materials where id = ${id}`)[0] as {
      file_path: string;
    };
    expect(await t.env.storage.exists(row.file_path)).toBe(true);
    const removed = await t.app.inject({
      method: "DELETE",
      url: `/api/v1/upload/${id}`,
      headers: bearer(owner.accessToken),
    });
    expect(removed.statusCode, removed.body).toBeLessThan(300);
    expect(await t.env.storage.exists(row.file_path)).toBe(false);
  }, 120_000);
});

describe("videos browsers do not play become mp4s that do", () => {
  it("a browser-playable mp4 is active at once and gets a storyboard", async () => {
    const { id, body } = await upload(files.mp4 as string, "clip.mp4");
    expect(body).toMatchObject({ status: "active", file_format: "mp4", source_path: null });
    const response = await vi.waitFor(
      async () => {
        const answer = await get(`/api/v1/materials/${id}/storyboard`, other);
        expect(answer.statusCode, answer.body).toBe(200);
        return answer.json() as { vtt_path: string; interval_seconds: number };
      },
      { timeout: 60_000, interval: 200 },
    );
    expect(response.interval_seconds).toBe(1);
    expect((await t.env.storage.getBuffer(response.vtt_path)).toString("utf8")).toMatch(/^WEBVTT\n/);
  }, 90_000);

  it("an H.264 mov is remuxed into an mp4 with its index first, streams unchanged", async () => {
    const { id } = await upload(files.mov as string, "talk.mov");
    expect(await settled(id)).toMatchObject({ status: "active", stage: "ready" });
    const detail = (await get(`/api/v1/materials/${id}`, other)).json() as Record<string, string>;
    expect(detail).toMatchObject({ type: "video", file_format: "mov" });
    const playable = await download(detail.file_path as string);
    expect(await isMoovBeforeMdat(playable)).toBe(true);
    expect(await videoStreamHash(playable)).toBe(await videoStreamHash(files.mov as string));
  }, 120_000);

  it("an MPEG-4 Part 2 mkv is transcoded to H.264 with moving progress, then gets a storyboard covering it", async () => {
    const { id } = await upload(files.mkv as string, "talk.mkv");
    const seen = new Set<number>();
    await vi.waitFor(
      async () => {
        const current = await status(id);
        if (current.stage === "transcoding") seen.add(current.progress);
        if (current.stage !== "ready") throw new Error(`material ${id} is ${current.stage}`);
      },
      { timeout: 180_000, interval: 100 },
    );
    expect([...seen].some((progress) => progress > 0 && progress < 100)).toBe(true);
    const detail = (await get(`/api/v1/materials/${id}`, other)).json() as Record<string, string>;
    const playable = await download(detail.file_path as string);
    expect(await streamCodecs(playable)).toMatchObject({ video: "h264", audio: "aac" });
    expect(await isMoovBeforeMdat(playable)).toBe(true);

    const storyboard = await vi.waitFor(
      async () => {
        const response = await get(`/api/v1/materials/${id}/storyboard`, other);
        expect(response.statusCode, response.body).toBe(200);
        return response.json() as {
          vtt_path: string;
          sprite_paths: string[];
          interval_seconds: number;
          tile_width: number;
          tile_height: number;
        };
      },
      { timeout: 120_000, interval: 200 },
    );
    expect(storyboard).toMatchObject({ tile_width: 160, tile_height: 90 });
    const vtt = (await t.env.storage.getBuffer(storyboard.vtt_path)).toString("utf8");
    const stamps = [...vtt.matchAll(/(\d\d):(\d\d):(\d\d\.\d{3}) --> (\d\d):(\d\d):(\d\d\.\d{3})/g)].map((m) => [
      Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]),
      Number(m[4]) * 3600 + Number(m[5]) * 60 + Number(m[6]),
    ]);
    expect(stamps[0]?.[0]).toBe(0);
    expect(stamps.at(-1)?.[1]).toBeGreaterThan(39.5);
    for (let i = 1; i < stamps.length; i++) expect(stamps[i]?.[0]).toBe(stamps[i - 1]?.[1]);
    for (const sprite of storyboard.sprite_paths) expect(await t.env.storage.exists(sprite)).toBe(true);
  }, 300_000);
});
