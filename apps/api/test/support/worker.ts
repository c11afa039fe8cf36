import type { DatabaseHandle } from "@learning-hub/db";
import { CLEANUP_SCHEDULER_ID, createWorkerConnection, type JobQueues, type QueueName } from "@learning-hub/queue";
import type { Redis } from "ioredis";
import { pino } from "pino";
import type { WorkerRuntime } from "../../../worker/src/jobs/runtime";
import type { ScheduleReconciler } from "../../../worker/src/scheduler/schedule-reconciler";
import { buildWorker } from "../../../worker/src/worker";
import type { TestApp } from "./app";

/** A worker process's moving parts, in this process and on the test app's database, prefix and bucket. */
export interface InProcessWorker {
  runtime: WorkerRuntime;
  /** Absent when started with `reconcile: false`. */
  scheduler?: ScheduleReconciler;
  queues: JobQueues;
  connection: Redis;
  /** Shuts down as `main.ts` does on SIGTERM. */
  close(): Promise<void>;
}

export interface StartWorkerOptions {
  /** Another database handle (e.g. one that cannot connect). */
  database?: DatabaseHandle;
  /** Reconcile the cleanup schedule too, as `main.ts` does (default true). */
  reconcile?: boolean;
  /** The queues to consume (default the maintenance queue only). */
  queues?: QueueName[];
}

/** Builds the worker with `buildWorker`, as `main.ts` does, consuming the maintenance queue unless told otherwise. */
export async function startWorker(t: TestApp, options: StartWorkerOptions = {}): Promise<InProcessWorker> {
  const { config } = t.env;
  const connection = createWorkerConnection(config.redis.url);
  const worker = buildWorker({
    config,
    logger: pino({ level: "silent" }),
    database: options.database ?? t.env.database,
    storage: t.env.storage,
    connection,
  });
  // The cleanup schedule only, as before the registry held the thumbnail sweep too.
  const schedules = (options.reconcile ?? true) ? [CLEANUP_SCHEDULER_ID] : [];
  const runtime = await worker.start({ queues: options.queues ?? ["maintenance"], schedules });
  await Promise.all(runtime.workers.map((consumer) => consumer.waitUntilReady()));
  return {
    runtime,
    scheduler: worker.scheduler,
    queues: worker.queues,
    connection,
    async close() {
      await worker.close();
      connection.disconnect();
    },
  };
}

/** Deletes every Redis key of the test app's prefix: a Redis flush, without touching other tests' keys. */
export async function flushPrefix(t: TestApp): Promise<number> {
  let deleted = 0;
  let cursor = "0";
  do {
    const [next, keys] = await t.redis.scan(cursor, "MATCH", `${t.env.config.redis.prefix}:*`, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) deleted += await t.redis.unlink(...keys);
  } while (cursor !== "0");
  return deleted;
}
