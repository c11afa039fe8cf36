import { execFile } from "node:child_process";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/** Runs the system ffmpeg (a prerequisite of the test suite, see README.md) quietly, overwriting `target`. */
async function ffmpeg(target: string, ...args: string[]): Promise<void> {
  await execFileAsync("ffmpeg", ["-v", "error", "-nostdin", "-y", ...args, target]);
}

/** Lavfi inputs: SMPTE-like colour bars with a moving gradient, and a quiet sine tone, `seconds` long. */
const pattern = (size: string, seconds: number) => [
  "-f",
  "lavfi",
  "-i",
  `testsrc2=size=${size}:rate=25:duration=${seconds}`,
];
const tone = (sampleRate: number, seconds: number) => [
  ...["-f", "lavfi", "-i", `sine=frequency=440:sample_rate=${sampleRate}:duration=${seconds}`],
];
const H264 = ["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p"];
const AAC_MONO = ["-c:a", "aac", "-ac", "1", "-b:a", "64k"];
/** The movie index (moov) before the media data, so players and ffmpeg can start from the first bytes. */
const FASTSTART = ["-movflags", "+faststart"];

/** 4 s of H.264 + AAC at 1280x720, faststart. */
export const sample720pMp4 = (target: string) =>
  ffmpeg(target, ...pattern("1280x720", 4), ...tone(44100, 4), ...H264, ...AAC_MONO, ...FASTSTART, "-shortest");

/** 3 s of VP9 + Opus at 640x360. */
export const sampleWebm = (target: string) =>
  ffmpeg(
    target,
    ...pattern("640x360", 3),
    ...tone(48000, 3),
    ...["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "400k"],
    ...["-c:a", "libopus", "-ac", "1", "-b:a", "48k", "-shortest"],
  );

/** 2 s of black, then 3 s of the colour pattern, at 640x360 without sound: a thumbnail must show the pattern. */
export const blackStartMp4 = (target: string) =>
  ffmpeg(
    target,
    "-f",
    "lavfi",
    "-i",
    "color=black:size=640x360:rate=25:duration=2[black];testsrc2=size=640x360:rate=25:duration=3[bars];[black][bars]concat=n=2:v=1:a=0",
    ...H264,
    ...FASTSTART,
  );

/** 3 s of AAC in an MPEG-4 audio container (.m4a): a file with no video stream. */
export const sampleM4a = (target: string) => ffmpeg(target, ...tone(44100, 3), ...AAC_MONO, ...FASTSTART);

/** 2 s of H.264 + AAC at 640x360 in a QuickTime container (.mov, brand `qt  `). */
export const sampleMov = (target: string) =>
  ffmpeg(target, ...pattern("640x360", 2), ...tone(44100, 2), ...H264, ...AAC_MONO, ...FASTSTART, "-shortest");

/** 1 s of H.264 at 320x240 in Matroska (.mkv) without sound: Matroska that is not WebM. */
export const sampleMkv = (target: string) => ffmpeg(target, ...pattern("320x240", 1), ...H264);

/** 1 s of MPEG-4 Part 2 video at 176x144 in 3GPP (.3gp, brand `3gp4`) without sound: a phone's video. */
export const sample3gp = (target: string) => ffmpeg(target, ...pattern("176x144", 1), "-c:v", "mpeg4");
