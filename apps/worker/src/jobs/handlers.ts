import type { JobDependencies } from "../dependencies";
import { createCleanupHandlers } from "./cleanup-handlers";
import { createMediaHandlers } from "./media-handlers";
import { createPruningHandlers } from "./pruning-handlers";
import { createTextHandlers } from "./text-handlers";
import { createThumbnailHandlers } from "./thumbnail-handlers";
import type { JobHandlers } from "./types";

/** The worker's job table: every job name of the contracts mapped to its handler. */
export function createJobHandlers(deps: JobDependencies): JobHandlers {
  const thumbnails = createThumbnailHandlers(deps);
  const cleanup = createCleanupHandlers(deps);
  const media = createMediaHandlers(deps);
  const pruning = createPruningHandlers(deps);
  const text = createTextHandlers(deps);
  return {
    generate_thumbnail: thumbnails.generate_thumbnail,
    cleanup: cleanup.cleanup,
    cleanup_stale_records: cleanup.cleanup_stale_records,
    sweep_pending_thumbnails: thumbnails.sweep_pending_thumbnails,
    prepare_media: media.prepare_media,
    render_storyboard: media.render_storyboard,
    prune_expired_sessions: pruning.prune_expired_sessions,
    prune_job_runs: pruning.prune_job_runs,
    extract_text: text.extract_text,
    backfill_text_index: text.backfill_text_index,
  };
}
