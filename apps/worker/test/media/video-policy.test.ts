import { describe, expect, it } from "vitest";
import { decideVideoPlan, FfmpegProgress, type MediaFacts, transcodeSize } from "../../src/media";

function facts(video: string, audio: string | null, pixelFormat = "yuv420p"): MediaFacts {
  return {
    formatName: "mov,mp4,m4a,3gp,3g2,mj2",
    durationSeconds: 10,
    video: { codec: video, pixelFormat, width: 1920, height: 1080 },
    audioCodec: audio,
  };
}

describe("decideVideoPlan", () => {
  it("keeps browser-playable mp4 with its index first and webm", () => {
    expect(decideVideoPlan("mp4", facts("h264", "aac"), true)).toEqual({ action: "keep" });
    expect(decideVideoPlan("mp4", facts("h264", null), true)).toEqual({ action: "keep" });
    for (const codec of ["vp8", "vp9", "av1"]) {
      expect(decideVideoPlan("webm", facts(codec, "opus"), null)).toEqual({ action: "keep" });
    }
    expect(decideVideoPlan("webm", facts("vp9", "vorbis"), null)).toEqual({ action: "keep" });
  });

  it("remuxes H.264/AAC whose index is at the end or which sits in mov, m4v or mkv", () => {
    expect(decideVideoPlan("mp4", facts("h264", "aac"), false).action).toBe("remux");
    expect(decideVideoPlan("mp4", facts("h264", "aac"), null).action).toBe("remux");
    for (const format of ["mov", "m4v", "mkv"] as const) {
      expect(decideVideoPlan(format, facts("h264", "aac"), true)).toEqual({
        action: "remux",
        reason: `H.264/AAC in ${format}`,
      });
    }
  });

  it("transcodes everything else", () => {
    expect(decideVideoPlan("avi", facts("h264", "aac"), null).action).toBe("transcode");
    expect(decideVideoPlan("mp4", facts("hevc", "aac"), true).action).toBe("transcode");
    expect(decideVideoPlan("mp4", facts("h264", "mp3"), true).action).toBe("transcode");
    expect(decideVideoPlan("mov", facts("h264", "aac", "yuv422p10le"), true)).toEqual({
      action: "transcode",
      reason: "mov with h264 (yuv422p10le) video and aac audio",
    });
    expect(decideVideoPlan("mkv", facts("mpeg4", null), null)).toEqual({
      action: "transcode",
      reason: "mkv with mpeg4 (yuv420p) video",
    });
    expect(decideVideoPlan("webm", facts("h264", "aac"), null).action).toBe("transcode");
    expect(decideVideoPlan("webm", facts("vp9", "aac"), null).action).toBe("transcode");
  });
});

describe("transcodeSize", () => {
  it("caps the shorter side, landscape and portrait, never upscales, keeps sides even", () => {
    expect(transcodeSize(3840, 2160, 1080)).toEqual({ width: 1920, height: 1080 });
    expect(transcodeSize(2160, 3840, 1080)).toEqual({ width: 1080, height: 1920 });
    expect(transcodeSize(640, 360, 1080)).toEqual({ width: 640, height: 360 });
    expect(transcodeSize(1281, 721, 720)).toEqual({ width: 1280, height: 720 });
    expect(transcodeSize(1279, 719, 1080)).toEqual({ width: 1280, height: 720 });
  });
});

describe("FfmpegProgress", () => {
  const block = (micros: string, state = "continue") => [`frame=1`, `out_time_us=${micros}`, `progress=${state}`];

  it("reports the share of the duration written, once per block when it moved, 100 only at the end", () => {
    const progress = new FfmpegProgress(10);
    const feed = (lines: string[]) => lines.map((line) => progress.update(line)).filter((p) => p !== null);
    expect(feed(block("N/A"))).toEqual([]);
    expect(feed(block("2500000"))).toEqual([25]);
    expect(feed(block("2500000"))).toEqual([]);
    expect(feed(block("12000000"))).toEqual([99]); // past the probed duration, not finished yet
    expect(feed(block("12000000", "end"))).toEqual([100]);
  });

  it("without a known duration only reports the end", () => {
    const progress = new FfmpegProgress(null);
    expect(block("5000000").map((line) => progress.update(line))).toEqual([null, null, null]);
    expect(progress.update("progress=end")).toBe(100);
  });
});
