import type { Queue } from "bullmq";

/** What PostgreSQL wants a queue to be: paused or not, and its global concurrency (null: unlimited). */
export interface DesiredQueueControl {
  paused: boolean;
  concurrency: number | null;
}

export interface QueueControlReading extends DesiredQueueControl {
  /** Worker connections consuming the queue, across processes. */
  workers: number;
}

/** What `applyQueueControl` had to change; empty when Redis already matched. */
export type QueueControlChange = Array<"paused" | "resumed" | "concurrency_set" | "concurrency_removed">;

/**
 * Makes the queue in Redis match the desired state: pause or resume, and set or
 * remove BullMQ's global concurrency. Reads first and changes only what differs,
 * so a periodic reconcile from several workers is cheap and idempotent.
 */
export async function applyQueueControl(queue: Queue, desired: DesiredQueueControl): Promise<QueueControlChange> {
  const [paused, concurrency] = await Promise.all([queue.isPaused(), queue.getGlobalConcurrency()]);
  const changes: QueueControlChange = [];
  if (desired.paused !== paused) {
    if (desired.paused) await queue.pause();
    else await queue.resume();
    changes.push(desired.paused ? "paused" : "resumed");
  }
  if (desired.concurrency !== concurrency) {
    if (desired.concurrency === null) await queue.removeGlobalConcurrency();
    else await queue.setGlobalConcurrency(desired.concurrency);
    changes.push(desired.concurrency === null ? "concurrency_removed" : "concurrency_set");
  }
  return changes;
}

/** The queue's state as Redis has it now. */
export async function readQueueControl(queue: Queue): Promise<QueueControlReading> {
  const [paused, concurrency, workers] = await Promise.all([
    queue.isPaused(),
    queue.getGlobalConcurrency(),
    queue.getWorkersCount(),
  ]);
  return { paused, concurrency, workers };
}
