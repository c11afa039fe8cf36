import type { Config } from "@learning-hub/config";
import { JobContracts, type JobName, type JobSettings, QueueName } from "@learning-hub/queue";
import { Value } from "@sinclair/typebox/value";
import { type Job, UnrecoverableError, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { JobMetrics } from "../metrics";
import { type JobHandlers, PermanentJobError } from "./types";

export interface QueueRuntimeSettings {
  concurrency: number;
  /** How long a job's lock lives; BullMQ renews it at half this while the job runs. */
  lockDurationMs: number;
  /** How often stalled jobs (their worker died) are looked for and handed to another worker. */
  stalledIntervalMs: number;
}

export function queueSettings(config: Config): Record<QueueName, QueueRuntimeSettings> {
  return {
    // ffmpeg runs in a child process, so the lock keeps being renewed during a long render; a killed
    // worker's job is taken over after at most lock + interval (30 s by default).
    thumbnails: {
      concurrency: config.thumbnails.concurrency,
      lockDurationMs: config.thumbnails.lockDurationMs,
      stalledIntervalMs: config.thumbnails.stalledIntervalMs,
    },
    maintenance: { concurrency: 1, lockDurationMs: 60_000, stalledIntervalMs: 30_000 },
  };
}

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
  settings: Record<JobName, JobSettings>;
  /** Only consume these queues (default: all). */
  queues?: QueueName[];
  /** Records the duration and outcome of every attempt. */
  metrics?: JobMetrics;
}

export interface WorkerRuntime {
  workers: Worker[];
  /** Stops taking jobs and waits for active ones to finish. */
  close(): Promise<void>;
}

export function startWorkers(options: WorkerRuntimeOptions): WorkerRuntime {
  assertHandlersComplete(options.handlers);
  const runtimeSettings = queueSettings(options.config);
  const shutdown = new AbortController();
  const names = options.queues ?? (Object.values(QueueName) as QueueName[]);
  const workers = names.map((queue) => {
    const settings = runtimeSettings[queue];
    const attempt = (job: Job) => runJob(job, options, shutdown.signal);
    const { metrics } = options;
    const processor = metrics ? (job: Job) => metrics.observe(queue, job, () => attempt(job)) : attempt;
    const worker = new Worker(queue, processor, {
      connection: options.connection,
      prefix: options.config.redis.prefix,
      concurrency: settings.concurrency,
      lockDuration: settings.lockDurationMs,
      stalledInterval: settings.stalledIntervalMs,
      maxStalledCount: 2,
    });
    worker.on("failed", (job, err) =>
      options.logger.warn(
        { queue, job: job?.name, jobId: job?.id, attempt: job?.attemptsMade, err: err.message },
        "job attempt failed",
      ),
    );
    worker.on("error", (err) => options.logger.error({ queue, err: err.message }, "worker error"));
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
  const settings = options.settings[name];
  const timeout = AbortSignal.timeout(settings.timeoutMs);
  const signal = AbortSignal.any([timeout, shutdownSignal]);
  const logger = options.logger.child({ job: name, jobId: job.id, attempt: job.attemptsMade + 1 });
  const isFinalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  const started = performance.now();
  try {
    const result = await Promise.race([
      handler(job.data, { job, logger, signal, isFinalAttempt }),
      new Promise<never>((_, reject) => {
        timeout.addEventListener("abort", () => reject(new Error(`timed out after ${settings.timeoutMs} ms`)), {
          once: true,
        });
      }),
    ]);
    logger.info({ durationMs: Math.round(performance.now() - started) }, "job completed");
    return result;
  } catch (error) {
    if (error instanceof PermanentJobError) throw new UnrecoverableError(error.message);
    throw error;
  }
}
