import type { MediaRepository } from "@learning-hub/db/repositories/media";
import { type JobQueues, prepareMediaJobId } from "@learning-hub/queue";
import type { Logger } from "pino";

/** A material entered its conversion stage this recently is left to its upload, which enqueues the job itself. */
const SWEEP_GRACE_SECONDS = 120;
/** Per run: conversions are heavy, the next run takes the rest. */
const SWEEP_BATCH = 100;

export interface PreparationSweepDependencies {
  repository: Pick<MediaRepository, "listAwaitingPreparation">;
  queues: Pick<JobQueues, "media" | "enqueuePrepareMedia">;
  logger: Logger;
}

/**
 * Enqueues `prepare_media` again for materials waiting in their conversion stage without a job (Redis was down
 * at upload time, or the job was removed). The job id is the material's, so a run racing the upload adds
 * nothing twice. A failed job is left as it is: it waits in the failed-jobs list for an admin's retry.
 * Returns how many jobs it added.
 */
export async function sweepLostPreparations(deps: PreparationSweepDependencies): Promise<number> {
  const ids = await deps.repository.listAwaitingPreparation(SWEEP_GRACE_SECONDS, SWEEP_BATCH);
  let enqueued = 0;
  for (const materialId of ids) {
    const existing = await deps.queues.media.getJob(prepareMediaJobId(materialId));
    if (existing) {
      // Waiting, delayed, running or failed: nothing to do. A kept completed job would make `add` a no-op.
      if ((await existing.getState()) !== "completed") continue;
      await existing.remove();
    }
    await deps.queues.enqueuePrepareMedia(materialId);
    enqueued++;
  }
  if (enqueued > 0) deps.logger.info({ enqueued, waiting: ids.length }, "re-enqueued lost media preparations");
  return enqueued;
}
