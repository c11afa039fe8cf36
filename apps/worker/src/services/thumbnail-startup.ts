import type { JobDependencies } from "../dependencies";
import { CJK_FONT_LOCATIONS, registerCjkFont } from "../media";
import { ensurePlaceholders } from "./placeholders";

/**
 * Start-up of the thumbnail side of a worker: says which ffmpeg it uses, registers the CJK font for PDFs
 * that do not embed theirs (warning loudly when there is none: their Chinese text would render as boxes),
 * and puts the placeholder images failed materials point at. (The sweep that re-enqueues pending
 * thumbnails is in `SCHEDULES`.)
 */
export async function prepareThumbnailWork(
  deps: Pick<JobDependencies, "config" | "ffmpeg" | "logger" | "storage">,
): Promise<void> {
  const { ffmpeg, logger } = deps;
  logger.info(
    { source: ffmpeg.source, ffmpegPath: ffmpeg.ffmpegPath, ffprobePath: ffmpeg.ffprobePath },
    `using the ${ffmpeg.source} ffmpeg`,
  );
  const cjkFontPath = registerCjkFont(deps.config.thumbnails.cjkFontPath);
  if (cjkFontPath === undefined) {
    logger.warn(
      { searched: CJK_FONT_LOCATIONS },
      "NO CJK FONT FOUND: Chinese, Japanese and Korean text in PDFs that do not embed their fonts will render as boxes in thumbnails; install fonts-wqy-microhei (or fonts-noto-cjk) or set CJK_FONT_PATH",
    );
  } else {
    logger.info({ cjkFontPath }, "CJK font registered for PDF thumbnails");
  }
  const created = await ensurePlaceholders(deps.storage);
  if (created.length > 0) logger.info({ created }, "placeholder images stored");
}
