import type { Queue } from "bullmq";

export interface RequeueLostOptions {
  /** The queue the materials' jobs live on, and each material's job id there. */
  queue: Pick<Queue, "getJob">;
  jobId: (materialId: number) => string;
  /** States in which an existing job is removed and added again; in any other it is left be. */
  replaceStates: ReadonlySet<string>;
  enqueue: (materialId: number) => Promise<unknown>;
}

/**
 * Enqueues the job of each material that has none, or one in `replaceStates` (removed first: `add` with an
 * existing id is a no-op). The job id is the material's, so a sweep racing the upload
 * adds nothing twice. Returns how many jobs it added.
 */
export async function requeueLost(materialIds: readonly number[], options: RequeueLostOptions): Promise<number> {
  let enqueued = 0;
  for (const materialId of materialIds) {
    const existing = await options.queue.getJob(options.jobId(materialId));
    if (existing) {
      if (!options.replaceStates.has(await existing.getState())) continue;
      await existing.remove();
    }
    await options.enqueue(materialId);
    enqueued++;
  }
  return enqueued;
}
