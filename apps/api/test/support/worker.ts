import type { DatabaseHandle } from "@learning-hub/db";
import { createWorkerConnection, JobQueues, jobSettings } from "@learning-hub/queue";
import type { Redis } from "ioredis";
import { pino } from "pino";
import type { WorkerDependencies } from "../../../worker/src/dependencies";
import { createJobHandlers } from "../../../worker/src/jobs/handlers";
import { startWorkers, type WorkerRuntime } from "../../../worker/src/jobs/runtime";
import { locateFfmpeg } from "../../../worker/src/media";
import { ScheduleReconciler } from "../../../worker/src/scheduler/schedule-reconciler";
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
  /** Start the schedule reconciler too, as `main.ts` does (default true). */
  reconcile?: boolean;
}

/** Starts the worker like `main.ts` does, consuming the maintenance queue only. */
export async function startWorker(t: TestApp, options: StartWorkerOptions = {}): Promise<InProcessWorker> {
  const { config } = t.env;
  const logger = pino({ level: "silent" });
  const connection = createWorkerConnection(config.redis.url);
  const settings = jobSettings(config);
  const queues = new JobQueues({ connection, prefix: config.redis.prefix, settings });
  const database = options.database ?? t.env.database;
  const deps: WorkerDependencies = {
    config,
    logger,
    database,
    storage: t.env.storage,
    connection,
    queues,
    settings,
    ffmpeg: locateFfmpeg(),
  };
  let scheduler: ScheduleReconciler | undefined;
  if (options.reconcile ?? true) {
    scheduler = new ScheduleReconciler({ config, logger, database, queues, settings, connection });
    await scheduler.start();
  }
  const runtime = startWorkers({
    config,
    logger,
    connection,
    handlers: createJobHandlers(deps),
    settings,
    queues: ["maintenance"],
  });
  await Promise.all(runtime.workers.map((worker) => worker.waitUntilReady()));
  return {
    runtime,
    scheduler,
    queues,
    connection,
    async close() {
      await scheduler?.close();
      await runtime.close();
      await queues.close();
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

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
