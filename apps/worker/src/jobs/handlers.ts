import type { WorkerDependencies } from "../dependencies";
import { createThumbnailHandlers } from "./thumbnail-handlers";
import { type JobHandlers, PermanentJobError } from "./types";

const notYet = (name: string) => async () => {
  throw new PermanentJobError(`${name}: handler under construction`);
};

/** The worker's job table: every job name of the contracts mapped to its handler. */
export function createJobHandlers(deps: WorkerDependencies): JobHandlers {
  const thumbnails = createThumbnailHandlers(deps);
  return {
    generate_thumbnail: thumbnails.generate_thumbnail,
    cleanup: notYet("cleanup"),
    cleanup_stale_records: notYet("cleanup_stale_records"),
    sweep_pending_thumbnails: thumbnails.sweep_pending_thumbnails,
  };
}
