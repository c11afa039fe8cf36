import type { JobDependencies } from "../dependencies";
import { findCjkFonts, pdftoppmVersion } from "../media";
import { ensurePlaceholders } from "./placeholders";

/**
 * Start-up of the thumbnail side of a worker: says which ffmpeg and pdftoppm it uses, warns loudly when
 * pdftoppm is missing (PDF thumbnails and previews would stay pending) or fontconfig offers no CJK font
 * (Chinese, Japanese and Korean text in PDFs that do not embed its font would render as boxes), and puts the
 * placeholder images failed materials point at. (The sweep that re-enqueues pending thumbnails is in
 * `SCHEDULES`.)
 */
export async function prepareThumbnailWork(
  deps: Pick<JobDependencies, "ffmpeg" | "logger" | "storage">,
): Promise<void> {
  const { ffmpeg, logger } = deps;
  logger.info(
    { source: ffmpeg.source, ffmpegPath: ffmpeg.ffmpegPath, ffprobePath: ffmpeg.ffprobePath },
    `using the ${ffmpeg.source} ffmpeg`,
  );
  // Side by side: a worker that replaces a crashed one should start taking jobs soon.
  const checkPdftoppm = pdftoppmVersion().then(
    (version) => logger.info({ version }, "using poppler's pdftoppm for PDF thumbnails and page previews"),
    (error: unknown) =>
      logger.warn(
        { err: error },
        "NO PDFTOPPM: PDF thumbnails and page previews cannot be rendered; install poppler-utils and poppler-data",
      ),
  );
  const checkCjkFonts = findCjkFonts().then(
    (fonts) => {
      if (fonts.length > 0) logger.info({ cjkFonts: fonts }, "CJK fonts for PDFs that do not embed theirs");
      else {
        logger.warn(
          "NO CJK FONT FOUND: Chinese, Japanese and Korean text in PDFs that do not embed their fonts will render as boxes in thumbnails; install fonts-wqy-microhei (or fonts-noto-cjk)",
        );
      }
    },
    (error: unknown) => logger.warn({ err: error }, "could not ask fontconfig for CJK fonts (fc-list)"),
  );
  const [created] = await Promise.all([ensurePlaceholders(deps.storage), checkPdftoppm, checkCjkFonts]);
  if (created.length > 0) logger.info({ created }, "placeholder images stored");
}
