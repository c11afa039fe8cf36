import type { FfmpegBinaries } from "./ffmpeg-binary";
import { reasonFromFfmpegOutput } from "./ffmpeg-reason";
import { MediaError } from "./media-error";
import { runProcess } from "./run-process";

export interface VideoStreamFacts {
  codec: string;
  pixelFormat: string | null;
  /** Display size: swapped for videos rotated by 90°/270°, as ffmpeg auto-rotates when decoding. */
  width: number | null;
  height: number | null;
}

export interface MediaFacts {
  /** ffprobe's demuxer names, e.g. `mov,mp4,m4a,3gp,3g2,mj2` or `matroska,webm`. */
  formatName: string;
  durationSeconds: number | null;
  /** The first video stream (the one that is kept). */
  video: VideoStreamFacts;
  /** The first audio stream's codec, or `null` when there is none. */
  audioCodec: string | null;
}

interface FfprobeStream {
  codec_type?: string;
  codec_name?: string;
  pix_fmt?: string;
  width?: number;
  height?: number;
  disposition?: { attached_pic?: number };
  tags?: { rotate?: string };
  side_data_list?: Array<{ rotation?: number }>;
}

interface FfprobeJson {
  format?: { format_name?: string; duration?: string };
  streams?: FfprobeStream[];
}

const positiveOrNull = (value: number | undefined) =>
  value !== undefined && Number.isFinite(value) && value > 0 ? value : null;

/** Reads containers and codecs with ffprobe (required: the bundled ffmpeg fallback has none). */
export async function probeMedia(binaries: FfmpegBinaries, input: string, signal: AbortSignal): Promise<MediaFacts> {
  if (!binaries.ffprobePath) throw new MediaError("NO_FFMPEG", "transcoding needs ffprobe, which this ffmpeg lacks");
  const args = [
    ...["-v", "error", "-print_format", "json"],
    ...["-show_entries", "format=format_name,duration:stream=codec_type,codec_name,pix_fmt,width,height"],
    ...["-show_entries", "stream_disposition=attached_pic:stream_tags=rotate:stream_side_data=rotation"],
    input,
  ];
  const { exitCode, stdout, stderr } = await runProcess(binaries.ffprobePath, args, signal);
  if (exitCode !== 0) {
    const reason = reasonFromFfmpegOutput(stderr, input);
    throw new MediaError("UNREADABLE_INPUT", `ffmpeg could not decode the video: ${reason}`);
  }
  let parsed: FfprobeJson;
  try {
    parsed = JSON.parse(stdout) as FfprobeJson;
  } catch (cause) {
    throw new MediaError("UNREADABLE_INPUT", "ffprobe returned unreadable output", { cause });
  }
  const streams = parsed.streams ?? [];
  // Cover art in an mp4/mkv is a one-frame "video" stream; it is not the video.
  const video = streams.find((s) => s.codec_type === "video" && !s.disposition?.attached_pic);
  if (!video?.codec_name) throw new MediaError("UNREADABLE_INPUT", "the file has no video stream");
  const rotation =
    video.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? Number(video.tags?.rotate ?? 0);
  const width = positiveOrNull(video.width);
  const height = positiveOrNull(video.height);
  const rotated = Math.abs(rotation) % 180 === 90;
  return {
    formatName: parsed.format?.format_name ?? "",
    durationSeconds: positiveOrNull(Number(parsed.format?.duration)),
    video: {
      codec: video.codec_name,
      pixelFormat: video.pix_fmt ?? null,
      width: rotated ? height : width,
      height: rotated ? width : height,
    },
    audioCodec: streams.find((s) => s.codec_type === "audio")?.codec_name ?? null,
  };
}
