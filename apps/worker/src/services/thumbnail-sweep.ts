import type { ThumbnailsRepository } from "@learning-hub/db/repositories/thumbnails";
import { type JobQueues, Priority, thumbnailJobId } from "@learning-hub/queue";
import type { Logger } from "pino";
import { requeueLost } from "./requeue-lost";

/** A material activated this recently is left to its upload, which enqueues it at upload priority itself. */
const SWEEP_GRACE_SECONDS = 120;
/** Per run; the next run takes the rest, so one sweep never floods the queue. */
const SWEEP_BATCH = 500;

export interface ThumbnailSweepDependencies {
  repository: ThumbnailsRepository;
  queues: JobQueues;
  logger: Logger;
}

/** Job states after which a job id no longer stands for a job that will run. */
const FINISHED_STATES: ReadonlySet<string> = new Set(["completed", "failed"]);

/**
 * Re-enqueues active materials whose thumbnail is still pending and that have no job waiting or running
 * (e.g. Redis was down at upload time, or a job failed for a reason that was not the file's). Uses the
 * backfill priority so fresh uploads go first. Returns how many jobs it added.
 */
export async function sweepPendingThumbnails(deps: ThumbnailSweepDependencies): Promise<number> {
  const ids = await deps.repository.listPendingActive(SWEEP_GRACE_SECONDS, SWEEP_BATCH);
  const enqueued = await requeueLost(ids, {
    queue: deps.queues.thumbnails,
    jobId: thumbnailJobId,
    replaceStates: FINISHED_STATES,
    enqueue: (materialId) => deps.queues.enqueueThumbnail(materialId, Priority.backfill),
  });
  if (enqueued > 0) deps.logger.info({ enqueued, pending: ids.length }, "re-enqueued pending thumbnails");
  return enqueued;
}
