import type { Config } from "@learning-hub/config";
import { TimeoutError, withTimeout } from "@learning-hub/lifecycle";
import { JobContracts, type JobName, type JobTable, QueueName, queueSettings } from "@learning-hub/queue";
import { Value } from "@sinclair/typebox/value";
import { type Job, UnrecoverableError, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { RunRecorder } from "../history/run-recorder";
import type { JobMetrics } from "../metrics";
import type { JobHandlers } from "./types";

/** Fails start-up unless every job name of the contracts has exactly one handler and nothing else is registered. */
export function assertHandlersComplete(handlers: Partial<Record<string, unknown>>): void {
  const expected = Object.keys(JobContracts).sort();
  const registered = Object.keys(handlers).sort();
  const missing = expected.filter((name) => typeof handlers[name] !== "function");
  const unknown = registered.filter((name) => !(name in JobContracts));
  if (missing.length > 0 || unknown.length > 0) {
    throw new Error(
      `job handlers do not match the contracts: missing [${missing.join(", ")}], unknown [${unknown.join(", ")}]`,
    );
  }
}

export interface WorkerRuntimeOptions {
  config: Config;
  logger: Logger;
  connection: Redis;
  handlers: JobHandlers;
  settings: JobTable;
  /** Only consume these queues (default: all). */
  queues?: QueueName[];
  /** Records the duration and outcome of every attempt. */
  metrics?: JobMetrics;
  /** Records every attempt in the run history. */
  recorder?: RunRecorder;
}

export interface WorkerRuntime {
  workers: Worker[];
  /** Stops taking jobs and waits for active ones to finish. */
  close(): Promise<void>;
}

export function startWorkers(options: WorkerRuntimeOptions): WorkerRuntime {
  assertHandlersComplete(options.handlers);
  const consumers = queueSettings(options.config);
  const shutdown = new AbortController();
  const names = options.queues ?? (Object.values(QueueName) as QueueName[]);
  const workers = names.map((queue) => {
    const settings = consumers[queue];
    const { metrics, recorder } = options;
    const run = (job: Job) => runJob(job, options, shutdown.signal);
    const recorded = recorder ? (job: Job) => recorder.record(queue, job, () => run(job)) : run;
    const processor = metrics ? (job: Job) => metrics.observe(queue, job, () => recorded(job)) : recorded;
    const worker = new Worker(queue, processor, {
      connection: options.connection,
      prefix: options.config.redis.prefix,
      concurrency: settings.concurrency,
      lockDuration: settings.lockDurationMs,
      stalledInterval: settings.stalledIntervalMs,
      maxStalledCount: settings.maxStalledCount,
    });
    worker.on("failed", (job, err) =>
      options.logger.warn(
        { queue, job: job?.name, jobId: job?.id, attempt: job?.attemptsMade, err },
        "job attempt failed",
      ),
    );
    worker.on("error", (err) => options.logger.error({ queue, err }, "worker error"));
    return worker;
  });
  return {
    workers,
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      shutdown.abort();
    },
  };
}

async function runJob(job: Job, options: WorkerRuntimeOptions, shutdownSignal: AbortSignal): Promise<unknown> {
  const name = job.name as JobName;
  const contract = JobContracts[name];
  const handler = options.handlers[name] as ((data: unknown, context: unknown) => Promise<unknown>) | undefined;
  if (!contract || !handler) throw new UnrecoverableError(`no handler for job ${job.name}`);
  if (!Value.Check(contract.data, job.data)) {
    const reason = [...Value.Errors(contract.data, job.data)].map((e) => `${e.path} ${e.message}`).join("; ");
    throw new UnrecoverableError(`invalid payload for ${name}: ${reason}`);
  }
  const { timeoutMs } = options.settings[name];
  const timeout = new AbortController();
  const signal = AbortSignal.any([timeout.signal, shutdownSignal]);
  const logger = options.logger.child({ job: name, jobId: job.id, attempt: job.attemptsMade + 1 });
  const isFinalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  const started = performance.now();
  try {
    const result = await withTimeout(handler(job.data, { job, logger, signal, isFinalAttempt }), timeoutMs, name);
    logger.info({ durationMs: Math.round(performance.now() - started) }, "job completed");
    return result;
  } catch (error) {
    // The handler's work stops too (child processes, streams), not only the wait for it.
    if (error instanceof TimeoutError) timeout.abort(error);
    throw error;
  }
}
