import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { generateVideo, streamCodecs, videoStreamHash } from "@learning-hub/testing/media-files";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isMoovBeforeMdat, MediaError, prepareVideo, type VideoFormat } from "../../src/media";

const H264_AAC = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"];

let dir: string;
const file = (name: string) => path.join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "video-preparation-test-"));
  await Promise.all([
    generateVideo(file("faststart.mp4"), { seconds: 2, codecArgs: [...H264_AAC, "-movflags", "+faststart"] }),
    // ffmpeg's mp4 muxer writes the index at the end unless told otherwise.
    generateVideo(file("index-at-end.mp4"), { seconds: 2, codecArgs: H264_AAC }),
    generateVideo(file("h264.mov"), { seconds: 2, codecArgs: H264_AAC }),
    generateVideo(file("mpeg4.mkv"), { seconds: 3, codecArgs: ["-c:v", "mpeg4", "-q:v", "5", "-c:a", "libopus"] }),
    generateVideo(file("mpeg4.avi"), { seconds: 2, codecArgs: ["-c:v", "mpeg4", "-c:a", "libmp3lame"] }),
    generateVideo(file("vp8.webm"), { seconds: 1, size: "160x120", codecArgs: ["-c:v", "libvpx", "-c:a", "libopus"] }),
    generateVideo(file("long.mkv"), { seconds: 60, codecArgs: ["-c:v", "mpeg4", "-q:v", "5"], audio: false }),
  ]);
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function prepare(name: string, format: VideoFormat, options: Parameters<typeof prepareVideo>[3] = {}) {
  const output = file(`${name}.out.mp4`);
  const progress: number[] = [];
  const result = await prepareVideo(file(name), format, output, { onProgress: (p) => progress.push(p), ...options });
  return { ...result, output, progress };
}

describe("prepareVideo", () => {
  it("leaves an H.264/AAC mp4 with its index first as it is", async () => {
    expect(await isMoovBeforeMdat(file("faststart.mp4"))).toBe(true);
    const result = await prepare("faststart.mp4", "mp4");
    expect(result.plan).toEqual({ action: "keep" });
    expect(result.written).toBe(false);
    await expect(stat(result.output)).rejects.toThrow();
  });

  it("leaves a VP8/Opus webm as it is", async () => {
    const result = await prepare("vp8.webm", "webm");
    expect(result.plan).toEqual({ action: "keep" });
  });

  it("remuxes an mp4 whose index is at the end, without re-encoding (same video stream hash)", async () => {
    expect(await isMoovBeforeMdat(file("index-at-end.mp4"))).toBe(false);
    const result = await prepare("index-at-end.mp4", "mp4");
    expect(result.plan).toEqual({ action: "remux", reason: "the mp4's index (moov) is at the end" });
    expect(await isMoovBeforeMdat(result.output)).toBe(true);
    expect(await videoStreamHash(result.output)).toBe(await videoStreamHash(file("index-at-end.mp4")));
    expect(await streamCodecs(result.output)).toMatchObject({ video: "h264", audio: "aac" });
    expect(result.progress.at(-1)).toBe(100);
  });

  it("remuxes an H.264 mov into an mp4 with its index first", async () => {
    const result = await prepare("h264.mov", "mov");
    expect(result.plan).toEqual({ action: "remux", reason: "H.264/AAC in mov" });
    expect(await isMoovBeforeMdat(result.output)).toBe(true);
    expect(await videoStreamHash(result.output)).toBe(await videoStreamHash(file("h264.mov")));
  });

  it("transcodes an mkv with MPEG-4 Part 2 video and Opus audio to H.264/AAC, reporting progress", async () => {
    const result = await prepare("mpeg4.mkv", "mkv");
    expect(result.plan).toEqual({ action: "transcode", reason: "mkv with mpeg4 (yuv420p) video and opus audio" });
    expect(await streamCodecs(result.output)).toEqual({ video: "h264", audio: "aac", width: 320, height: 240 });
    expect(await isMoovBeforeMdat(result.output)).toBe(true);
    expect(result.progress.at(-1)).toBe(100);
    expect(result.progress).toEqual([...result.progress].sort((a, b) => a - b));
  });

  it("transcodes an avi and scales it down to the configured short side", async () => {
    const result = await prepare("mpeg4.avi", "avi", {
      transcode: { crf: 30, preset: "ultrafast", maxShortSide: 120, audioKbps: 64 },
    });
    expect(result.plan.action).toBe("transcode");
    expect(await streamCodecs(result.output)).toEqual({ video: "h264", audio: "aac", width: 160, height: 120 });
  });

  it("reports progress that moves during a longer transcode, and kills ffmpeg when aborted", async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const output = file("long.out.mp4");
    const preparation = prepareVideo(file("long.mkv"), "mkv", output, {
      signal: controller.signal,
      onProgress: (percent) => {
        seen.push(percent);
        if (percent >= 5) controller.abort();
      },
    });
    const error = await preparation.then(
      () => expect.fail("expected the abort to fail the preparation"),
      (caught: unknown) => caught as MediaError,
    );
    expect(error).toBeInstanceOf(MediaError);
    expect(error.code).toBe("ABORTED");
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.at(-1)).toBeGreaterThanOrEqual(5);
    expect(seen.at(-1)).toBeLessThan(100);
    await expect(stat(output)).rejects.toThrow();
    // No ffmpeg is left writing the output.
    for (const entry of await readdir("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      const cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
      expect(cmdline.includes(output)).toBe(false);
    }
  }, 60_000);

  it("fails with ffmpeg's reason for a file that is not a video", async () => {
    await writeFile(file("garbage.mkv"), Buffer.alloc(10_000, 3));
    const error = await prepareVideo(file("garbage.mkv"), "mkv", file("garbage.out.mp4")).then(
      () => expect.fail("expected a failure"),
      (caught: unknown) => caught as MediaError,
    );
    expect(error.code).toBe("UNREADABLE_INPUT");
    expect(error.reason).toMatch(/^ffmpeg could not decode the video: /);
  });
});
