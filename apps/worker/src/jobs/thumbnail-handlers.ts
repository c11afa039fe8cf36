import { MediaRepository } from "@learning-hub/db/repositories/media";
import { ThumbnailsRepository } from "@learning-hub/db/repositories/thumbnails";
import type { JobDependencies } from "../dependencies";
import { ThumbnailService } from "../services/thumbnail-service";
import { sweepPendingThumbnails } from "../services/thumbnail-sweep";
import type { JobHandlers } from "./types";

/** The thumbnail jobs of the job table. */
export function createThumbnailHandlers(
  deps: JobDependencies,
): Pick<JobHandlers, "generate_thumbnail" | "sweep_pending_thumbnails"> {
  const repository = new ThumbnailsRepository(deps.database.db);
  const service = new ThumbnailService({
    repository,
    storage: deps.storage,
    ffmpeg: deps.ffmpeg,
    jobTimeoutMs: deps.settings.generate_thumbnail.timeoutMs,
    pagePreviews: { repository: new MediaRepository(deps.database.db), maxPages: deps.config.media.previewMaxPages },
  });
  return {
    generate_thumbnail: ({ materialId }, context) => service.generate(materialId, context),
    async sweep_pending_thumbnails(_data, context) {
      return { enqueued: await sweepPendingThumbnails({ repository, queues: deps.queues, logger: context.logger }) };
    },
  };
}
