import type { JobDependencies } from "../dependencies";
import { hasCjkFontFallback } from "../media";
import { ensurePlaceholders } from "./placeholders";

/**
 * Start-up of the thumbnail side of a worker: says which ffmpeg it uses, warns when Chinese text in PDFs
 * would render as boxes, and puts the placeholder images failed materials point at. (The sweep that
 * re-enqueues pending thumbnails is in `SCHEDULES`.)
 */
export async function prepareThumbnailWork(
  deps: Pick<JobDependencies, "ffmpeg" | "logger" | "storage">,
): Promise<void> {
  const { ffmpeg, logger } = deps;
  logger.info(
    { source: ffmpeg.source, ffmpegPath: ffmpeg.ffmpegPath, ffprobePath: ffmpeg.ffprobePath },
    `using the ${ffmpeg.source} ffmpeg`,
  );
  if (!hasCjkFontFallback()) {
    logger.warn("no CJK font installed: Chinese text in PDFs without embedded fonts renders as boxes");
  }
  const created = await ensurePlaceholders(deps.storage);
  if (created.length > 0) logger.info({ created }, "placeholder images stored");
}
