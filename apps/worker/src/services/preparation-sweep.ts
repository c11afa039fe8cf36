import type { MediaRepository } from "@learning-hub/db/repositories/media";
import { type JobQueues, prepareMediaJobId } from "@learning-hub/queue";
import type { Logger } from "pino";
import { requeueLost } from "./requeue-lost";

/** A material entered its conversion stage this recently is left to its upload, which enqueues the job itself. */
const SWEEP_GRACE_SECONDS = 120;
/** Per run: conversions are heavy, the next run takes the rest. */
const SWEEP_BATCH = 100;
const COMPLETED: ReadonlySet<string> = new Set(["completed"]);

export interface PreparationSweepDependencies {
  repository: Pick<MediaRepository, "listAwaitingPreparation">;
  queues: Pick<JobQueues, "media" | "enqueuePrepareMedia">;
  logger: Logger;
}

/**
 * Enqueues `prepare_media` again for materials waiting in their conversion stage without a job (Redis was down
 * at upload time, or the job was removed). A failed job is left as it is: it waits in the failed-jobs list
 * for an admin's retry.
 * Returns how many jobs it added.
 */
export async function sweepLostPreparations(deps: PreparationSweepDependencies): Promise<number> {
  const ids = await deps.repository.listAwaitingPreparation(SWEEP_GRACE_SECONDS, SWEEP_BATCH);
  const enqueued = await requeueLost(ids, {
    queue: deps.queues.media,
    jobId: prepareMediaJobId,
    // Waiting, delayed, running or failed (an admin's to retry) stay as they are.
    replaceStates: COMPLETED,
    enqueue: (materialId) => deps.queues.enqueuePrepareMedia(materialId),
  });
  if (enqueued > 0) deps.logger.info({ enqueued, waiting: ids.length }, "re-enqueued lost media preparations");
  return enqueued;
}
