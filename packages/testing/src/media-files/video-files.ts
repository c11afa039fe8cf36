import { execFileAsync } from "./run";

export interface VideoSpec {
  seconds: number;
  size?: string;
  /** ffmpeg output options choosing codecs and container flags, e.g. `["-c:v", "libx264"]`. */
  codecArgs: string[];
  audio?: boolean;
}

/** Generates a test video (test pattern plus a sine tone) with ffmpeg. */
export async function generateVideo(output: string, spec: VideoSpec): Promise<void> {
  const size = spec.size ?? "320x240";
  const audioInput = spec.audio === false ? [] : ["-f", "lavfi", "-i", `sine=frequency=440:duration=${spec.seconds}`];
  await execFileAsync("ffmpeg", [
    ...["-v", "error", "-nostdin", "-y"],
    ...["-f", "lavfi", "-i", `testsrc2=size=${size}:rate=25:duration=${spec.seconds}`],
    ...audioInput,
    ...spec.codecArgs,
    output,
  ]);
}

/** ffprobe's codec names of the first video and audio streams. */
export async function streamCodecs(
  file: string,
): Promise<{ video: string; audio: string | null; width: number; height: number }> {
  const { stdout } = await execFileAsync("ffprobe", [
    ...["-v", "error", "-print_format", "json", "-show_entries", "stream=codec_type,codec_name,width,height", file],
  ]);
  const streams = (
    JSON.parse(stdout) as {
      streams: Array<{ codec_type: string; codec_name: string; width?: number; height?: number }>;
    }
  ).streams;
  const video = streams.find((s) => s.codec_type === "video");
  if (!video) throw new Error(`${file} has no video stream`);
  return {
    video: video.codec_name,
    audio: streams.find((s) => s.codec_type === "audio")?.codec_name ?? null,
    width: video.width ?? 0,
    height: video.height ?? 0,
  };
}

/** MD5 of the first video stream's packets as stored (no decoding): equal before and after a remux. */
export async function videoStreamHash(file: string): Promise<string> {
  const { stdout } = await execFileAsync("ffmpeg", [
    "-v",
    "error",
    "-nostdin",
    "-i",
    file,
    "-map",
    "0:v:0",
    "-c",
    "copy",
    "-f",
    "md5",
    "-",
  ]);
  return stdout.trim();
}
