import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { thumbnailJobId } from "@learning-hub/queue";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeImage } from "../../src/media";
import { countPixels, execFileAsync, fixturePath, meanLuma, wholeImage } from "../media/helpers";
import {
  createMaterial,
  createWorkerHarness,
  type MaterialSource,
  readMaterial,
  type TestMaterial,
  type WorkerHarness,
  waitForThumbnailJob,
} from "../support/worker-harness";

const ATTEMPTS = 2;
let harness: WorkerHarness;
let workDir: string;

async function generateVideo(name: string, codecArgs: string[]): Promise<string> {
  const output = path.join(workDir, name);
  await execFileAsync("ffmpeg", [
    ...["-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "testsrc=size=640x360:rate=25:duration=3"],
    ...codecArgs,
    output,
  ]);
  return output;
}

/** Creates the material, enqueues it as an upload would and waits for its job to finish for good. */
async function runThumbnail(source: MaterialSource): Promise<TestMaterial> {
  const material = await createMaterial(harness.env, source);
  await harness.queues.enqueueThumbnail(material.id);
  await waitForThumbnailJob(harness.queues, material.id);
  return material;
}

async function expectCompletedThumbnail(material: TestMaterial) {
  const row = await readMaterial(harness.env, material.id);
  expect(row.thumbnailStatus).toBe("completed");
  expect(row.thumbnailPath).toBe(`thumbnails/${material.uploaderId}/${material.id}.jpg`);
  expect(row.thumbnailError).toBeNull();
  const stat = await harness.env.storage.stat(row.thumbnailPath ?? "");
  expect(stat?.contentType).toBe("image/jpeg");
  const image = await decodeImage(await harness.env.storage.getBuffer(row.thumbnailPath ?? ""));
  expect(image.width).toBe(480);
  return { row, image };
}

async function expectFailedWithPlaceholder(material: TestMaterial, placeholder: string) {
  const job = await waitForThumbnailJob(harness.queues, material.id);
  expect(await job.getState()).toBe("failed");
  expect(job.attemptsMade).toBe(ATTEMPTS);
  const row = await readMaterial(harness.env, material.id);
  expect(row.thumbnailStatus).toBe("failed");
  expect(row.thumbnailPath).toBe(placeholder);
  expect(row.thumbnailError?.length ?? 0).toBeGreaterThan(10);
  // The reason is stored for people to read; a presigned URL (with its signature) must not leak into it.
  expect(row.thumbnailError).not.toMatch(/X-Amz-Signature|http:\/\//);
  expect(await harness.env.storage.exists(placeholder)).toBe(true);
  expect(await harness.env.storage.exists(`thumbnails/${material.uploaderId}/${material.id}.jpg`)).toBe(false);
  return row;
}

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), "thumbnail-jobs-"));
  harness = await createWorkerHarness({
    THUMBNAIL_ATTEMPTS: String(ATTEMPTS),
    THUMBNAIL_BACKOFF_MS: "50",
    THUMBNAIL_CONCURRENCY: "4",
  });
  // As main.ts starts it, with the pending-thumbnail sweep's schedule (the cleanup's is left out: nothing here uses it).
  await harness.start({ schedules: ["sweep_pending_thumbnails"] });
});

afterAll(async () => {
  await harness?.close();
  await rm(workDir, { recursive: true, force: true });
});

describe("generate_thumbnail", () => {
  it("renders an mp4 and records its media facts", async () => {
    const file = await generateVideo("clip.mp4", ["-c:v", "libx264", "-pix_fmt", "yuv420p"]);
    const material = await runThumbnail({ type: "video", fileFormat: "mp4", file });
    const { row, image } = await expectCompletedThumbnail(material);
    expect(image.height).toBe(270);
    expect(row.durationSeconds).toBeCloseTo(3, 0);
    expect([row.width, row.height, row.pageCount]).toEqual([640, 360, null]);
  });

  it("renders a webm", async () => {
    const file = await generateVideo("clip.webm", ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8"]);
    const material = await runThumbnail({ type: "video", fileFormat: "webm", file });
    const { image } = await expectCompletedThumbnail(material);
    expect(image.height).toBe(270);
  });

  it("skips the black opening of black-start.mp4", async () => {
    const material = await runThumbnail({ type: "video", fileFormat: "mp4", file: fixturePath("black-start.mp4") });
    const { image } = await expectCompletedThumbnail(material);
    expect(meanLuma(image)).toBeGreaterThan(80);
    const nearBlack = countPixels(image, wholeImage(image), (value) => value < 32);
    expect(nearBlack / (image.width * image.height)).toBeLessThan(0.2);
  });

  it("renders the first page of a five-page PDF and records the page count", async () => {
    const material = await runThumbnail({ type: "pdf", fileFormat: "pdf", file: fixturePath("handout-5-pages.pdf") });
    const { row, image } = await expectCompletedThumbnail(material);
    expect(image.height).toBeGreaterThan(480); // portrait
    expect([row.pageCount, row.durationSeconds]).toEqual([5, null]);
  });

  it("renders a PDF with Chinese text in a font that is not embedded", async () => {
    const material = await runThumbnail({ type: "pdf", fileFormat: "pdf", file: fixturePath("lecture-cjk.pdf") });
    const { row, image } = await expectCompletedThumbnail(material);
    expect(image.height).toBeLessThan(480); // landscape slides
    expect(row.pageCount).toBe(3);
    // Ink on the white page: the text was drawn (the media tests check the glyphs themselves).
    const ink = countPixels(image, wholeImage(image), (value) => value < 128);
    expect(ink).toBeGreaterThan(500);
  });

  it("fails a truncated PDF after the configured attempts, with a reason and the PDF placeholder", async () => {
    const material = await runThumbnail({ type: "pdf", fileFormat: "pdf", file: fixturePath("corrupt-truncated.pdf") });
    await expectFailedWithPlaceholder(material, "placeholders/pdf.jpg");
  });

  it("fails a truncated video after the configured attempts, with a reason and the video placeholder", async () => {
    const material = await runThumbnail({ type: "video", fileFormat: "mp4", file: fixturePath("truncated.mp4") });
    const row = await expectFailedWithPlaceholder(material, "placeholders/video.jpg");
    expect(row.durationSeconds).toBeNull();
  });

  it("fails a material whose file is missing from storage like a corrupt one", async () => {
    const material = await runThumbnail({ type: "pdf", fileFormat: "pdf" });
    const row = await expectFailedWithPlaceholder(material, "placeholders/pdf.jpg");
    expect(row.thumbnailError).toContain("missing");
  });

  it("ends quietly for a material deleted before its job ran", async () => {
    const material = await runThumbnail({
      type: "pdf",
      fileFormat: "pdf",
      file: fixturePath("handout-5-pages.pdf"),
      status: "hidden",
    });
    const job = await waitForThumbnailJob(harness.queues, material.id);
    expect(await job.getState()).toBe("completed");
    expect(job.attemptsMade).toBe(1);
    const row = await readMaterial(harness.env, material.id);
    expect([row.status, row.thumbnailStatus, row.thumbnailPath]).toEqual(["hidden", "pending", null]);
    expect(await harness.env.storage.exists(`thumbnails/${material.uploaderId}/${material.id}.jpg`)).toBe(false);
  });

  it("ends quietly for a material whose row no longer exists", async () => {
    const missingId = 987_654;
    await harness.queues.enqueueThumbnail(missingId);
    const job = await waitForThumbnailJob(harness.queues, missingId);
    expect(await job.getState()).toBe("completed");
  });

  it("is harmless to run twice", async () => {
    const material = await runThumbnail({ type: "pdf", fileFormat: "pdf", file: fixturePath("handout-5-pages.pdf") });
    const first = await expectCompletedThumbnail(material);
    const firstBytes = await harness.env.storage.getBuffer(first.row.thumbnailPath ?? "");

    // The kept completed job makes a second `add` a no-op; remove it to really run the job again.
    await harness.queues.thumbnails.remove(thumbnailJobId(material.id));
    await harness.queues.enqueueThumbnail(material.id);
    const again = await waitForThumbnailJob(harness.queues, material.id);
    expect(await again.getState()).toBe("completed");

    const second = await expectCompletedThumbnail(material);
    expect(second.row).toEqual(first.row);
    expect(await harness.env.storage.getBuffer(second.row.thumbnailPath ?? "")).toEqual(firstBytes);
  });

  it("schedules the pending-thumbnail sweep at start-up", async () => {
    const scheduler = await harness.queues.maintenance.getJobScheduler("sweep_pending_thumbnails");
    expect(scheduler?.name).toBe("sweep_pending_thumbnails");
    expect(scheduler?.pattern).toBe("*/5 * * * *");
  });
});
