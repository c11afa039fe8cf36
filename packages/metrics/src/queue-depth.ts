import { withTimeout } from "@learning-hub/lifecycle";
import type { Queue } from "bullmq";
import { Counter, Gauge, type Registry } from "prom-client";

/** The job states reported per queue (BullMQ's own names). */
export const QUEUE_STATES = ["waiting", "active", "delayed", "failed", "completed", "prioritized", "paused"] as const;
type QueueState = (typeof QUEUE_STATES)[number];

/** Long enough for `getJobCounts` on a healthy Redis, short enough that an outage never hangs a scrape. */
export const DEFAULT_QUEUE_DEPTH_TIMEOUT_MS = 1_000;

export interface QueueDepthOptions {
  timeoutMs?: number;
}

/** Counts per queue name; `undefined` when the queue's counts could not be read in time. */
type Reading = Map<string, Record<QueueState, number> | undefined>;

/**
 * `queue_jobs{queue, state}`, read from Redis when Prometheus scrapes. A queue
 * whose counts cannot be read in time reports no series at all (rather than
 * stale ones) and counts a `queue_jobs_collect_failures_total{queue}`.
 */
export function registerQueueDepth(registry: Registry, queues: readonly Queue[], options: QueueDepthOptions = {}) {
  const timeoutMs = options.timeoutMs ?? DEFAULT_QUEUE_DEPTH_TIMEOUT_MS;
  const failures: Counter<"queue"> = new Counter({
    name: "queue_jobs_collect_failures_total",
    help: "Scrapes that could not read a queue's job counts from Redis in time",
    labelNames: ["queue"],
    registers: [registry],
    // Renders the failures of the reading this scrape waits for, not only the previous ones.
    async collect() {
      await read();
    },
  });
  for (const queue of queues) failures.inc({ queue: queue.name }, 0);

  // Both metrics are collected concurrently within one scrape; they share one reading of Redis.
  let inFlight: Promise<Reading> | undefined;
  function read(): Promise<Reading> {
    inFlight ??= readCounts(queues, timeoutMs)
      .then((reading) => {
        for (const [queue, counts] of reading) if (!counts) failures.inc({ queue });
        return reading;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  }

  new Gauge({
    name: "queue_jobs",
    help: "Jobs in each BullMQ queue by state, read at scrape time",
    labelNames: ["queue", "state"],
    registers: [registry],
    async collect() {
      const reading = await read();
      this.reset();
      for (const [queue, counts] of reading) {
        if (counts) for (const state of QUEUE_STATES) this.set({ queue, state }, counts[state]);
      }
    },
  });
}

async function readCounts(queues: readonly Queue[], timeoutMs: number): Promise<Reading> {
  const entries = await Promise.all(
    queues.map(async (queue) => {
      try {
        const counts = await withTimeout(queue.getJobCounts(...QUEUE_STATES), timeoutMs, `job counts of ${queue.name}`);
        const byState = Object.fromEntries(QUEUE_STATES.map((state) => [state, counts[state] ?? 0]));
        return [queue.name, byState as Record<QueueState, number>] as const;
      } catch {
        return [queue.name, undefined] as const;
      }
    }),
  );
  return new Map(entries);
}
