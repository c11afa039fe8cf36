import { rm } from "node:fs/promises";
import { startDeadline } from "./deadline";
import { type FfmpegBinaries, locateFfmpeg } from "./ffmpeg-binary";
import { FfmpegProgress } from "./ffmpeg-progress";
import { reasonFromFfmpegOutput } from "./ffmpeg-reason";
import { asMediaError, MediaError } from "./media-error";
import { isMoovBeforeMdat } from "./mp4-layout";
import { type MediaFacts, probeMedia } from "./probe-streams";
import { runProcessGroup } from "./process-group";
import { decideVideoPlan, transcodeSize, type VideoFormat, type VideoPlan } from "./video-policy";

export interface TranscodeSettings {
  /** libx264 constant rate factor (lower is better and larger). Default 23. */
  crf: number;
  /** libx264 preset (speed against size). Default `veryfast`. */
  preset: string;
  /** The shorter side of a transcode's output is scaled down to at most this. Default 1080. */
  maxShortSide: number;
  /** AAC bitrate in kbit/s. Default 128. */
  audioKbps: number;
}

export const DEFAULT_TRANSCODE_SETTINGS: TranscodeSettings = {
  crf: 23,
  preset: "veryfast",
  maxShortSide: 1080,
  audioKbps: 128,
};

export interface PrepareVideoOptions {
  binaries?: FfmpegBinaries;
  transcode?: TranscodeSettings;
  /** `nice` level of ffmpeg. Default 10. */
  niceness?: number;
  /** Budget for probing and remuxing/transcoding. Default 2 h. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** 0-100 as ffmpeg writes the output (remux or transcode); 100 once the output is complete. */
  onProgress?: (percent: number) => void;
}

export interface PreparedVideo {
  plan: VideoPlan;
  facts: MediaFacts;
  /** Whether `outputPath` was written; `false` when the original plays as it is. */
  written: boolean;
}

const DEFAULT_NICENESS = 10;
const DEFAULT_TIMEOUT_MS = 2 * 60 * 60 * 1000;

function outputArgs(plan: VideoPlan, facts: MediaFacts, settings: TranscodeSettings): string[] {
  // The first video and the first audio stream only: subtitles, data and cover art do not copy into mp4.
  const map = ["-map", "0:v:0", "-map", "0:a:0?", "-sn", "-dn"];
  if (plan.action === "remux") return [...map, "-c", "copy"];
  const { width, height } =
    facts.video.width && facts.video.height
      ? transcodeSize(facts.video.width, facts.video.height, settings.maxShortSide)
      : { width: -2, height: `'min(ih,${settings.maxShortSide})'` };
  return [
    ...map,
    ...["-vf", `scale=w=${width}:h=${height},setsar=1`, "-pix_fmt", "yuv420p"],
    ...["-c:v", "libx264", "-preset", settings.preset, "-crf", String(settings.crf), "-profile:v", "high"],
    ...["-c:a", "aac", "-b:a", `${settings.audioKbps}k`, "-ac", "2"],
  ];
}

/**
 * Makes an uploaded video playable in browsers, following `decideVideoPlan`: leaves it, remuxes it or
 * transcodes it to `outputPath` (an mp4 with its index first), with ffmpeg `nice`d in a process group of its
 * own that is killed on timeout or abort. `input` is a local file (the layout check reads its box headers).
 */
export async function prepareVideo(
  input: string,
  format: VideoFormat,
  outputPath: string,
  options: PrepareVideoOptions = {},
): Promise<PreparedVideo> {
  const deadline = startDeadline(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, "video preparation", options.signal);
  try {
    const binaries = options.binaries ?? locateFfmpeg();
    const facts = await probeMedia(binaries, input, deadline.signal);
    const moovFirst = format === "webm" || format === "mkv" || format === "avi" ? null : await isMoovBeforeMdat(input);
    const plan = decideVideoPlan(format, facts, moovFirst);
    if (plan.action === "keep") return { plan, facts, written: false };

    const progress = new FfmpegProgress(facts.durationSeconds);
    const onProgress = options.onProgress;
    const args = [
      ...["-nostdin", "-hide_banner", "-v", "error", "-y", "-i", input],
      ...outputArgs(plan, facts, options.transcode ?? DEFAULT_TRANSCODE_SETTINGS),
      ...["-movflags", "+faststart", "-f", "mp4", "-progress", "pipe:1", "-nostats", outputPath],
    ];
    const { exitCode, stderr } = await runProcessGroup(binaries.ffmpegPath, args, {
      signal: deadline.signal,
      niceness: options.niceness ?? DEFAULT_NICENESS,
      onStdoutLine: (line) => {
        const percent = progress.update(line);
        if (percent !== null) onProgress?.(percent);
      },
    });
    if (exitCode !== 0) {
      const verb = plan.action === "remux" ? "remux" : "transcode";
      throw new MediaError(
        "UNREADABLE_INPUT",
        `ffmpeg could not ${verb} the video: ${reasonFromFfmpegOutput(stderr, input)}`,
      );
    }
    return { plan, facts, written: true };
  } catch (error) {
    await rm(outputPath, { force: true });
    throw asMediaError(error, "video preparation failed");
  } finally {
    deadline.dispose();
  }
}
