import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestApp, type TestApp } from "../../../api/test/support/app";
import { bearer, type RegisteredUser, registerUser } from "../../../api/test/support/auth";
import { fixture, multipartForm } from "../../../api/test/support/multipart";
import { postUpload } from "../../../api/test/support/uploads";
import { decodeImage } from "../../src/media";
import { type WorkerHarness, workerHarnessOn } from "../support/worker-harness";

let t: TestApp;
let worker: WorkerHarness;
let user: RegisteredUser;

beforeAll(async () => {
  t = await createTestApp({ env: { THUMBNAIL_ATTEMPTS: "2", THUMBNAIL_BACKOFF_MS: "50" } });
  worker = workerHarnessOn(t.env);
  await worker.start();
  user = await registerUser(t.app);
});

afterAll(async () => {
  await worker?.close();
  await t?.close();
});

async function upload(fixtureName: string, filename: string): Promise<number> {
  const form = multipartForm([
    { name: "title", value: `Upload of ${fixtureName}` },
    { name: "file", filename, content: fixture(fixtureName) },
  ]);
  const response = await postUpload(t, user.accessToken, form);
  expect(response.statusCode, response.body).toBe(201);
  return response.json().id as number;
}

interface ThumbnailStatus {
  material_id: number;
  thumbnail_status: "pending" | "completed" | "failed";
  thumbnail_path: string | null;
  has_thumbnail: boolean;
}

/** Polls `GET /upload/thumbnail-status/{id}` as a client would, until the thumbnail is no longer pending. */
function settledStatus(materialId: number): Promise<ThumbnailStatus> {
  return vi.waitFor(
    async () => {
      const response = await t.app.inject({
        method: "GET",
        url: `/api/v1/upload/thumbnail-status/${materialId}`,
        headers: bearer(user.accessToken),
      });
      expect(response.statusCode, response.body).toBe(200);
      const status = response.json() as ThumbnailStatus;
      if (status.thumbnail_status === "pending") throw new Error(`the thumbnail of material ${materialId} is pending`);
      return status;
    },
    { timeout: 30_000, interval: 50 },
  );
}

async function publicJpeg(path: string) {
  const response = await fetch(`${t.env.config.storage.publicUrl}/${path}`);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("image/jpeg");
  return decodeImage(Buffer.from(await response.arrayBuffer()));
}

describe("upload -> thumbnail -> public URL", () => {
  it.each([
    ["sample-720p.mp4", "lecture.mp4", 270],
    ["sample.webm", "clip.webm", 270],
    ["handout-5-pages.pdf", "handout.pdf", null],
  ] as const)("makes the thumbnail of an uploaded %s readable at its public URL", async (name, filename, height) => {
    const id = await upload(name, filename);
    const status = await settledStatus(id);
    expect(status).toEqual({
      material_id: id,
      thumbnail_status: "completed",
      thumbnail_path: `thumbnails/${user.id}/${id}.jpg`,
      has_thumbnail: true,
    });
    const image = await publicJpeg(status.thumbnail_path ?? "");
    expect(image.width).toBe(480);
    if (height !== null) expect(image.height).toBe(height);
  });

  it("shows the video placeholder for an uploaded video that cannot be decoded", async () => {
    const id = await upload("truncated.mp4", "broken.mp4");
    const status = await settledStatus(id);
    expect(status).toEqual({
      material_id: id,
      thumbnail_status: "failed",
      thumbnail_path: "placeholders/video.jpg",
      has_thumbnail: false,
    });
    expect((await publicJpeg("placeholders/video.jpg")).width).toBe(480);
  });
});
