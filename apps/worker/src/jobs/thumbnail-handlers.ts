import { MediaRepository } from "@learning-hub/db/repositories/media";
import { ThumbnailsRepository } from "@learning-hub/db/repositories/thumbnails";
import type { JobDependencies } from "../dependencies";
import { sweepLostPreparations } from "../services/preparation-sweep";
import { ThumbnailService } from "../services/thumbnail-service";
import { sweepPendingThumbnails } from "../services/thumbnail-sweep";
import type { JobHandlers } from "./types";

/** The thumbnail jobs of the job table. */
export function createThumbnailHandlers(
  deps: JobDependencies,
): Pick<JobHandlers, "generate_thumbnail" | "sweep_pending_thumbnails"> {
  const repository = new ThumbnailsRepository(deps.database.db);
  const media = new MediaRepository(deps.database.db);
  const service = new ThumbnailService({
    repository,
    storage: deps.storage,
    ffmpeg: deps.ffmpeg,
    jobTimeoutMs: deps.settings.generate_thumbnail.timeoutMs,
    pagePreviews: { repository: media, maxPages: deps.config.media.previewMaxPages },
  });
  return {
    generate_thumbnail: ({ materialId }, context) => service.generate(materialId, context),
    // Also the sweep of lost conversions (issue 15): the same failure (Redis down at upload) on the same schedule.
    async sweep_pending_thumbnails(_data, context) {
      const logger = context.logger;
      return {
        enqueued: await sweepPendingThumbnails({ repository, queues: deps.queues, logger }),
        preparationsEnqueued: await sweepLostPreparations({ repository: media, queues: deps.queues, logger }),
      };
    },
  };
}
