import { MediaRepository } from "@learning-hub/db/repositories/media";
import type { JobDependencies } from "../dependencies";
import { OfficeConverter } from "../media";
import { MediaPreparationService } from "../services/media-preparation-service";
import { StoryboardService } from "../services/storyboard-service";
import type { JobHandlers } from "./types";

/** Issue 15: the media jobs of the job table (queue `media`). */
export function createMediaHandlers(deps: JobDependencies): Pick<JobHandlers, "prepare_media" | "render_storyboard"> {
  const { media } = deps.config;
  const repository = new MediaRepository(deps.database.db);
  const converter = new OfficeConverter({
    timeoutMs: media.conversionTimeoutSeconds * 1000,
    maxConcurrent: media.concurrency,
    niceness: media.niceness,
    zipLimits: media.zipLimits,
  });
  const preparation = new MediaPreparationService({
    repository,
    storage: deps.storage,
    ffmpeg: deps.ffmpeg,
    converter,
    queues: deps.queues,
    transcode: { ...media.transcode, audioKbps: 128 },
    niceness: media.niceness,
    transcodeTimeoutMs: media.transcodeTimeoutSeconds * 1000,
  });
  const storyboards = new StoryboardService({
    repository,
    storage: deps.storage,
    ffmpeg: deps.ffmpeg,
    maxTiles: media.storyboardMaxTiles,
    niceness: media.niceness,
    jobTimeoutMs: deps.settings.render_storyboard.timeoutMs,
  });
  return {
    async prepare_media({ materialId }, context) {
      return { outcome: await preparation.prepare(materialId, context) };
    },
    async render_storyboard({ materialId }, context) {
      return { outcome: await storyboards.render(materialId, context) };
    },
  };
}
