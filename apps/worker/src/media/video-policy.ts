import type { MediaFacts } from "./probe-streams";

/** Video formats accepted for upload; also the upload's extension and the row's `file_format`. */
export type VideoFormat = "mp4" | "webm" | "mov" | "m4v" | "mkv" | "avi";

export type VideoPlan =
  /** Browsers play the file as it is. */
  | { action: "keep" }
  /** Streams copied unchanged into an mp4 with its index first (faststart): no re-encoding. */
  | { action: "remux"; reason: string }
  /** Re-encoded to H.264/AAC in an mp4 with faststart. */
  | { action: "transcode"; reason: string };

/** H.264 decodes in every browser only as 8-bit 4:2:0 (High 10 and 4:4:4 profiles do not). */
const BROWSER_H264_PIXEL_FORMATS = new Set(["yuv420p", "yuvj420p"]);
const WEBM_VIDEO_CODECS = new Set(["vp8", "vp9", "av1"]);
const WEBM_AUDIO_CODECS = new Set(["opus", "vorbis"]);
/** Containers whose H.264/AAC streams copy cleanly into mp4 (AVI lacks the timestamps B-frames need). */
const REMUXABLE_FORMATS = new Set<VideoFormat>(["mp4", "mov", "m4v", "mkv"]);

function isBrowserH264(facts: MediaFacts): boolean {
  return facts.video.codec === "h264" && BROWSER_H264_PIXEL_FORMATS.has(facts.video.pixelFormat ?? "");
}

/**
 * What to do with an uploaded video so browsers can play it, from ffprobe's facts, the format it was accepted
 * as (sniffed, extension agreeing) and, for ISO-BMFF files, whether the index precedes the media data:
 * mp4 (H.264/AAC) with its index first and webm (VP8/VP9/AV1 with Opus/Vorbis) stay; H.264/AAC in another
 * container or with its index at the end is remuxed; everything else is transcoded.
 */
export function decideVideoPlan(format: VideoFormat, facts: MediaFacts, moovBeforeMdat: boolean | null): VideoPlan {
  const audio = facts.audioCodec;
  if (format === "webm") {
    if (WEBM_VIDEO_CODECS.has(facts.video.codec) && (audio === null || WEBM_AUDIO_CODECS.has(audio))) {
      return { action: "keep" };
    }
    return { action: "transcode", reason: `webm with ${describeCodecs(facts)}, which browsers do not all play` };
  }
  if (isBrowserH264(facts) && (audio === null || audio === "aac")) {
    if (format === "mp4" && moovBeforeMdat === true) return { action: "keep" };
    if (REMUXABLE_FORMATS.has(format)) {
      return format === "mp4"
        ? { action: "remux", reason: "the mp4's index (moov) is at the end" }
        : { action: "remux", reason: `H.264/AAC in ${format}` };
    }
  }
  return { action: "transcode", reason: `${format} with ${describeCodecs(facts)}` };
}

function describeCodecs(facts: MediaFacts): string {
  const video = `${facts.video.codec}${facts.video.pixelFormat ? ` (${facts.video.pixelFormat})` : ""}`;
  return facts.audioCodec ? `${video} video and ${facts.audioCodec} audio` : `${video} video`;
}

/**
 * The output size of a transcode: the display size scaled down (never up) so its shorter side is at most
 * `maxShortSide` (1080 for "1080p", portrait videos included), both sides even as H.264 4:2:0 needs.
 */
export function transcodeSize(width: number, height: number, maxShortSide: number): { width: number; height: number } {
  const scale = Math.min(1, maxShortSide / Math.min(width, height));
  const even = (value: number) => Math.max(2, Math.round((value * scale) / 2) * 2);
  return { width: even(width), height: even(height) };
}
