import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import ffmpeg from "fluent-ffmpeg";
import { startDeadline } from "./deadline";
import { type FfmpegBinaries, locateFfmpeg } from "./ffmpeg-binary";
import { reasonFromFfmpegOutput } from "./ffmpeg-reason";
import { isCompleteJpeg, readImageSize } from "./jpeg";
import { asMediaError, MediaError } from "./media-error";
import { probeVideo } from "./probe-video";

export interface VideoThumbnailOptions {
  /** Output width in pixels; height follows the display aspect ratio (even). Default 480. */
  width?: number;
  /** JPEG quality 1..100 on the libjpeg scale. Default 80. */
  quality?: number;
  /** Budget for probing and rendering together. Default 60 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** From `locateFfmpeg()` at start-up; looked up (once) when omitted. */
  binaries?: FfmpegBinaries;
}

export interface VideoThumbnail {
  jpeg: Buffer;
  width: number;
  height: number;
  durationSeconds: number | null;
  sourceWidth: number | null;
  sourceHeight: number | null;
}

const DEFAULT_WIDTH = 480;
const DEFAULT_QUALITY = 80;
const DEFAULT_TIMEOUT_MS = 60_000;
/** Frames the `thumbnail` filter compares (about 2 s at 25 fps); it buffers them, scaled down, in memory. */
const CANDIDATE_FRAMES = 50;
/** Decode at most this much video after the seek point, so an all-dark long video is not read to its end. */
const READ_WINDOW_SECONDS = 8;

let locatedBinaries: FfmpegBinaries | undefined;

function defaultBinaries(): FfmpegBinaries {
  locatedBinaries ??= locateFfmpeg();
  return locatedBinaries;
}

/** Where to start looking: ~10% in, or ~1 s for short clips, always inside the clip. */
export function chooseSeekSeconds(durationSeconds: number | null): number {
  if (durationSeconds === null) return 0;
  const preferred = durationSeconds >= 10 ? durationSeconds * 0.1 : 1;
  return Math.max(0, Math.min(preferred, durationSeconds - 0.5));
}

/** libjpeg quality -> mjpeg qscale (2 best .. 31 worst); calibrated by PSNR: quality 80 ~ -q:v 7, 90 ~ 4-5. */
export function qualityToQscale(quality: number): number {
  return Math.min(31, Math.max(2, Math.round(2 + (100 - quality) / 4)));
}

interface FrameAttempt {
  seekSeconds: number;
  skipDarkFrames: boolean;
}

function videoFilters(width: number, skipDarkFrames: boolean): string[] {
  // Scale first: `thumbnail` buffers every candidate frame, which at 4K would cost gigabytes.
  const filters = [`scale=${width}:'max(2,trunc(${width}/dar/2)*2)'`, "setsar=1"];
  if (skipDarkFrames) {
    // blackframe with amount=0 tags every frame with its share of near-black pixels; drop the mostly-black ones.
    filters.push(
      "blackframe=amount=0:threshold=32",
      "metadata=mode=select:key=lavfi.blackframe.pblack:value=90:function=less",
    );
  }
  filters.push(`thumbnail=${CANDIDATE_FRAMES}`);
  return filters;
}

/** Runs ffmpeg once; resolves with the JPEG, or null when ffmpeg exited cleanly without writing a frame. */
async function extractFrame(
  binaries: FfmpegBinaries,
  input: string,
  attempt: FrameAttempt,
  settings: { width: number; qscale: number; outputPath: string },
  signal: AbortSignal,
): Promise<Buffer | null> {
  await rm(settings.outputPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    const command = ffmpeg(input)
      .setFfmpegPath(binaries.ffmpegPath)
      .inputOptions(["-nostdin", "-ss", attempt.seekSeconds.toFixed(3), "-t", String(READ_WINDOW_SECONDS)])
      .noAudio()
      .videoFilters(videoFilters(settings.width, attempt.skipDarkFrames))
      .outputOptions(["-sn", "-dn", "-frames:v", "1", "-q:v", String(settings.qscale), "-update", "1", "-f", "image2"])
      .output(settings.outputPath);
    const kill = () => command.kill("SIGKILL");
    signal.addEventListener("abort", kill, { once: true });
    command
      .on("end", () => {
        signal.removeEventListener("abort", kill);
        resolve();
      })
      .on("error", (error: Error, _stdout: string | null, stderr: string | null) => {
        signal.removeEventListener("abort", kill);
        if (signal.aborted) return reject(signal.reason);
        const detail = reasonFromFfmpegOutput(stderr ?? error.message, input);
        reject(new MediaError("UNREADABLE_INPUT", `ffmpeg could not decode the video: ${detail}`, { cause: error }));
      });
    command.run();
  });
  const jpeg = await readFile(settings.outputPath).catch(() => null);
  return jpeg && jpeg.length > 0 ? jpeg : null;
}

/**
 * Renders a representative frame of a video (local path or http(s) URL, e.g. presigned) as a JPEG.
 * Seeks past the opening, skips near-black frames and lets ffmpeg's `thumbnail` filter pick the most
 * typical frame of a short window. Throws MediaError with a storable reason on any failure.
 */
export async function renderVideoThumbnail(
  input: string,
  options: VideoThumbnailOptions = {},
): Promise<VideoThumbnail> {
  const width = options.width ?? DEFAULT_WIDTH;
  const qscale = qualityToQscale(options.quality ?? DEFAULT_QUALITY);
  const deadline = startDeadline(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, "video thumbnail", options.signal);
  let workDir: string | undefined;
  try {
    deadline.throwIfAborted();
    const binaries = options.binaries ?? defaultBinaries();
    workDir = await mkdtemp(path.join(tmpdir(), "video-thumbnail-"));
    const probe = await probeVideo(binaries, input, deadline.signal);
    const seekSeconds = chooseSeekSeconds(probe.durationSeconds);
    // Fallback: from the very start and without dark-frame skipping (a dark video, or a wrong duration).
    const attempts: FrameAttempt[] = [
      { seekSeconds, skipDarkFrames: true },
      { seekSeconds: 0, skipDarkFrames: false },
    ];
    const settings = { width, qscale, outputPath: path.join(workDir, "frame.jpg") };
    for (const attempt of attempts) {
      deadline.throwIfAborted();
      const jpeg = await extractFrame(binaries, input, attempt, settings, deadline.signal);
      if (!jpeg) continue;
      if (!isCompleteJpeg(jpeg)) throw new MediaError("NO_FRAME", "ffmpeg wrote an incomplete JPEG");
      const size = await readImageSize(jpeg).catch((cause: unknown) => {
        throw new MediaError("NO_FRAME", "ffmpeg wrote a JPEG that cannot be decoded", { cause });
      });
      return {
        jpeg,
        width: size.width,
        height: size.height,
        durationSeconds: probe.durationSeconds,
        sourceWidth: probe.width,
        sourceHeight: probe.height,
      };
    }
    throw new MediaError("NO_FRAME", "ffmpeg read the video but produced no frame");
  } catch (error) {
    throw asMediaError(error, "video thumbnail failed");
  } finally {
    deadline.dispose();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  }
}
