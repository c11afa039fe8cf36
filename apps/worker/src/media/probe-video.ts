import type { FfmpegBinaries } from "./ffmpeg-binary";
import { reasonFromFfmpegOutput } from "./ffmpeg-reason";
import { MediaError } from "./media-error";
import { runProcess } from "./run-process";

export interface VideoProbe {
  durationSeconds: number | null;
  /** Display size: swapped for videos rotated by 90°/270°, as ffmpeg auto-rotates when decoding. */
  width: number | null;
  height: number | null;
}

interface FfprobeJson {
  format?: { duration?: string };
  streams?: Array<{
    width?: number;
    height?: number;
    tags?: { rotate?: string };
    side_data_list?: Array<{ rotation?: number }>;
  }>;
}

function positiveOrNull(value: number | undefined): number | null {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : null;
}

function displaySize(width: number | null, height: number | null, rotation: number): [number | null, number | null] {
  return Math.abs(rotation) % 180 === 90 ? [height, width] : [width, height];
}

function decodeFailure(stderr: string, input: string): MediaError {
  return new MediaError(
    "UNREADABLE_INPUT",
    `ffmpeg could not decode the video: ${reasonFromFfmpegOutput(stderr, input)}`,
  );
}

async function probeWithFfprobe(ffprobePath: string, input: string, signal: AbortSignal): Promise<VideoProbe> {
  const args = [
    ...["-v", "error", "-print_format", "json", "-select_streams", "v:0"],
    ...["-show_entries", "format=duration:stream=width,height:stream_tags=rotate:stream_side_data=rotation"],
    input,
  ];
  const { exitCode, stdout, stderr } = await runProcess(ffprobePath, args, signal);
  if (exitCode !== 0) throw decodeFailure(stderr, input);
  let parsed: FfprobeJson;
  try {
    parsed = JSON.parse(stdout) as FfprobeJson;
  } catch (cause) {
    throw new MediaError("UNREADABLE_INPUT", "ffprobe returned unreadable output", { cause });
  }
  const stream = parsed.streams?.[0];
  if (!stream) throw new MediaError("UNREADABLE_INPUT", "the file has no video stream");
  const rotation =
    stream.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? Number(stream.tags?.rotate ?? 0);
  const [width, height] = displaySize(positiveOrNull(stream.width), positiveOrNull(stream.height), rotation);
  return { durationSeconds: positiveOrNull(Number(parsed.format?.duration)), width, height };
}

/** Without ffprobe (bundled ffmpeg): `ffmpeg -i` prints the stream summary, then fails for lack of an output. */
async function probeWithFfmpeg(ffmpegPath: string, input: string, signal: AbortSignal): Promise<VideoProbe> {
  const { stderr } = await runProcess(ffmpegPath, ["-hide_banner", "-i", input], signal);
  const video = /Stream #\d+:\d+.*?: Video: .*?(\d{2,5})x(\d{2,5})/.exec(stderr);
  if (!video) {
    if (/Stream #\d+:\d+/.test(stderr)) throw new MediaError("UNREADABLE_INPUT", "the file has no video stream");
    throw decodeFailure(stderr.replace(/At least one output file must be specified/g, ""), input);
  }
  const duration = /Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?)/.exec(stderr);
  const durationSeconds = duration
    ? Number(duration[1]) * 3600 + Number(duration[2]) * 60 + Number(duration[3])
    : undefined;
  const rotation = Number(/rotate\s*:\s*(-?\d+)/.exec(stderr)?.[1] ?? /rotation of (-?[\d.]+)/.exec(stderr)?.[1] ?? 0);
  const [width, height] = displaySize(positiveOrNull(Number(video[1])), positiveOrNull(Number(video[2])), rotation);
  return { durationSeconds: positiveOrNull(durationSeconds), width, height };
}

export function probeVideo(binaries: FfmpegBinaries, input: string, signal: AbortSignal): Promise<VideoProbe> {
  return binaries.ffprobePath
    ? probeWithFfprobe(binaries.ffprobePath, input, signal)
    : probeWithFfmpeg(binaries.ffmpegPath, input, signal);
}
