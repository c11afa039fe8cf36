import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  chooseSeekSeconds,
  decodeImage,
  locateFfmpeg,
  MediaError,
  qualityToQscale,
  renderVideoThumbnail,
  type VideoThumbnail,
} from "../../src/media";
import { countPixels, execFileAsync, fixturePath, meanLuma, startFixtureServer, wholeImage } from "./helpers";

let workDir: string;
let server: Awaited<ReturnType<typeof startFixtureServer>>;
const generated = (name: string) => path.join(workDir, name);

async function ffmpeg(...args: string[]): Promise<void> {
  await execFileAsync("ffmpeg", ["-v", "error", "-nostdin", "-y", ...args]);
}

async function expectJpeg(thumbnail: VideoThumbnail, width: number, height: number): Promise<void> {
  expect(thumbnail.width).toBe(width);
  expect(thumbnail.height).toBe(height);
  const decoded = await decodeImage(thumbnail.jpeg);
  expect([decoded.width, decoded.height]).toEqual([width, height]);
}

async function expectMediaError(promise: Promise<unknown>, code: MediaError["code"]): Promise<MediaError> {
  const error = await promise.then(
    () => expect.fail("expected a MediaError"),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(MediaError);
  const mediaError = error as MediaError;
  expect(mediaError.code).toBe(code);
  expect(mediaError.reason.length).toBeGreaterThan(10);
  return mediaError;
}

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), "media-video-test-"));
  const testsrc = ["-f", "lavfi", "-i", "testsrc=size=640x360:rate=25:duration=3"];
  await Promise.all([
    ffmpeg(...testsrc, "-c:v", "libx264", "-pix_fmt", "yuv420p", generated("testsrc.mp4")),
    ffmpeg(...testsrc, "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", generated("testsrc.webm")),
    // A single video frame followed by 5 s of audio: nothing to decode at the usual seek point.
    ffmpeg(
      ...["-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=0.04"],
      ...["-f", "lavfi", "-i", "sine=duration=5", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac"],
      generated("one-frame.mp4"),
    ),
    ffmpeg(
      "-f",
      "lavfi",
      "-i",
      "color=black:size=320x180:rate=25:duration=3",
      "-c:v",
      "libx264",
      generated("black.mp4"),
    ),
  ]);
  server = await startFixtureServer();
}, 60_000);

afterAll(async () => {
  await server?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe("renderVideoThumbnail", () => {
  it("renders a generated mp4 (H.264) at 480 px wide", async () => {
    const thumbnail = await renderVideoThumbnail(generated("testsrc.mp4"));
    await expectJpeg(thumbnail, 480, 270);
    expect(thumbnail.durationSeconds).toBeCloseTo(3, 0);
    expect([thumbnail.sourceWidth, thumbnail.sourceHeight]).toEqual([640, 360]);
  });

  it("renders a generated webm (VP9)", async () => {
    const thumbnail = await renderVideoThumbnail(generated("testsrc.webm"));
    await expectJpeg(thumbnail, 480, 270);
    expect(thumbnail.durationSeconds).toBeCloseTo(3, 0);
  });

  it("renders sample-720p.mp4 as 480x270", async () => {
    const thumbnail = await renderVideoThumbnail(fixturePath("sample-720p.mp4"));
    await expectJpeg(thumbnail, 480, 270);
    expect(thumbnail.durationSeconds).toBeCloseTo(4, 0);
    expect([thumbnail.sourceWidth, thumbnail.sourceHeight]).toEqual([1280, 720]);
  });

  it("renders sample.webm as 480x270", async () => {
    const thumbnail = await renderVideoThumbnail(fixturePath("sample.webm"));
    await expectJpeg(thumbnail, 480, 270);
    expect([thumbnail.sourceWidth, thumbnail.sourceHeight]).toEqual([640, 360]);
  });

  it("skips the black opening of black-start.mp4", async () => {
    const thumbnail = await renderVideoThumbnail(fixturePath("black-start.mp4"));
    await expectJpeg(thumbnail, 480, 270);
    const firstFramePath = generated("black-start-first-frame.jpg");
    await ffmpeg("-i", fixturePath("black-start.mp4"), "-vf", "scale=480:-2", "-frames:v", "1", firstFramePath);
    const firstFrame = await decodeImage(await import("node:fs/promises").then((fs) => fs.readFile(firstFramePath)));
    const image = await decodeImage(thumbnail.jpeg);
    // The opening frame is black; the chosen frame is the bright colour pattern.
    expect(meanLuma(firstFrame)).toBeLessThan(10);
    expect(meanLuma(image)).toBeGreaterThan(80);
    const nearBlack = countPixels(image, wholeImage(image), (value) => value < 32);
    expect(nearBlack / (image.width * image.height)).toBeLessThan(0.2);
  });

  it("falls back to the start when the seek point has no video frames", async () => {
    const thumbnail = await renderVideoThumbnail(generated("one-frame.mp4"));
    await expectJpeg(thumbnail, 480, 360);
    expect(thumbnail.durationSeconds).toBeGreaterThan(4);
  });

  it("still renders a video that is black throughout", async () => {
    const thumbnail = await renderVideoThumbnail(generated("black.mp4"));
    await expectJpeg(thumbnail, 480, 270);
  });

  it("reads a video over http with byte ranges, as from a presigned URL", async () => {
    const thumbnail = await renderVideoThumbnail(`${server.baseUrl}/sample-720p.mp4?X-Amz-Signature=s3cr3t`);
    await expectJpeg(thumbnail, 480, 270);
    const webm = await renderVideoThumbnail(`${server.baseUrl}/sample.webm?X-Amz-Signature=s3cr3t`);
    await expectJpeg(webm, 480, 270);
  });

  it("fails on truncated.mp4 with ffmpeg's reason and no file path", async () => {
    const error = await expectMediaError(renderVideoThumbnail(fixturePath("truncated.mp4")), "UNREADABLE_INPUT");
    expect(error.reason).toMatch(/^ffmpeg could not decode the video: .+/);
    expect(error.reason).not.toContain(path.dirname(fixturePath("truncated.mp4")));
  });

  it("fails on not-a-video.mp4", async () => {
    const error = await expectMediaError(renderVideoThumbnail(fixturePath("not-a-video.mp4")), "UNREADABLE_INPUT");
    expect(error.reason).toMatch(/Invalid data|moov atom not found/);
  });

  it("fails on an http 404 without leaking the signed URL", async () => {
    const error = await expectMediaError(
      renderVideoThumbnail(`${server.baseUrl}/missing.mp4?X-Amz-Signature=s3cr3t`),
      "UNREADABLE_INPUT",
    );
    expect(error.reason).toMatch(/404/);
    expect(error.reason).not.toContain("s3cr3t");
  });

  it("kills ffmpeg and rejects with TIMEOUT when the source hangs", async () => {
    const started = performance.now();
    await expectMediaError(renderVideoThumbnail(`${server.baseUrl}/hang/a.mp4`, { timeoutMs: 500 }), "TIMEOUT");
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("rejects with ABORTED when the caller aborts", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    await expectMediaError(
      renderVideoThumbnail(`${server.baseUrl}/hang/a.mp4`, { signal: controller.signal }),
      "ABORTED",
    );
    await expectMediaError(renderVideoThumbnail(generated("testsrc.mp4"), { signal: AbortSignal.abort() }), "ABORTED");
  });

  it("honours the width option", async () => {
    const thumbnail = await renderVideoThumbnail(fixturePath("sample-720p.mp4"), { width: 320 });
    await expectJpeg(thumbnail, 320, 180);
  });

  it("works with the bundled ffmpeg, which has no ffprobe", async () => {
    const bundled = locateFfmpeg({ searchPath: "" });
    expect(bundled.source).toBe("bundled");
    expect(bundled.ffprobePath).toBeNull();
    const thumbnail = await renderVideoThumbnail(fixturePath("black-start.mp4"), { binaries: bundled });
    await expectJpeg(thumbnail, 480, 270);
    expect(thumbnail.durationSeconds).toBeCloseTo(5, 0);
    expect(meanLuma(await decodeImage(thumbnail.jpeg))).toBeGreaterThan(80);
    await expectMediaError(
      renderVideoThumbnail(fixturePath("truncated.mp4"), { binaries: bundled }),
      "UNREADABLE_INPUT",
    );
  });
});

describe("locateFfmpeg", () => {
  it("prefers the system ffmpeg and its ffprobe", () => {
    const found = locateFfmpeg({ searchPath: "/nonexistent:/usr/bin" });
    expect(found).toEqual({ ffmpegPath: "/usr/bin/ffmpeg", ffprobePath: "/usr/bin/ffprobe", source: "system" });
  });

  it("throws a MediaError when no ffmpeg can be found", () => {
    expect(() => locateFfmpeg({ searchPath: "/nonexistent", allowBundled: false })).toThrow(MediaError);
  });
});

describe("seek and quality choices", () => {
  it("seeks ~1 s into short clips and ~10% into long ones, always inside the clip", () => {
    expect(chooseSeekSeconds(null)).toBe(0);
    expect(chooseSeekSeconds(0.3)).toBe(0);
    expect(chooseSeekSeconds(1.2)).toBeCloseTo(0.7);
    expect(chooseSeekSeconds(5)).toBe(1);
    expect(chooseSeekSeconds(600)).toBe(60);
  });

  it("maps JPEG quality to an mjpeg qscale", () => {
    expect(qualityToQscale(100)).toBe(2);
    expect(qualityToQscale(80)).toBe(7);
    expect(qualityToQscale(1)).toBe(27);
  });
});
