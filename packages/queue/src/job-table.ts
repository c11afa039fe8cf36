import type { Config } from "@learning-hub/config";
import type { JobsOptions, KeepJobs } from "bullmq";
import { type JobName, Priority, type QueueName } from "./contracts";

/** How a job is retried, bounded, ordered and kept: everything but its queue and payload (see `JobContracts`). */
export interface JobSettings {
  attempts: number;
  backoff: { type: "exponential" | "fixed"; delay: number };
  /** A run taking longer than this fails the attempt. */
  timeoutMs: number;
  /** BullMQ priority, lower runs first; `Priority.none` keeps plain FIFO order. */
  priority: number;
  /** How long finished jobs stay visible (admin listing, retry) before BullMQ removes them. */
  removeOnComplete: KeepJobs;
  removeOnFail: KeepJobs;
}

/** How one queue's consumers run; BullMQ sets these per worker, so they are per queue, not per job. */
export interface QueueSettings {
  concurrency: number;
  /** How long a job's lock lives; BullMQ renews it at half this while the job runs. */
  lockDurationMs: number;
  /** How often stalled jobs (their worker died) are looked for and handed to another worker. */
  stalledIntervalMs: number;
  /** A job that stalls more often than this fails instead of being handed on again. */
  maxStalledCount: number;
}

/** One row per job name: a job added to `JobContracts` does not compile until it has its settings here. */
export type JobTable = { [N in JobName]: JobSettings };

/**
 * The job table, from config. Producers apply it when adding a job (BullMQ keeps attempts, backoff,
 * priority and retention on the job); the worker enforces the timeout and knows the last attempt.
 */
export function jobSettings(config: Config): JobTable {
  const cleanup = {
    attempts: 1,
    backoff: { type: "fixed", delay: 0 },
    timeoutMs: config.cleanup.timeoutSeconds * 1000,
    priority: Priority.none,
  } as const;
  // Batched deletes of old rows: a failure (database away) is worth one more try a minute later.
  const pruning = {
    attempts: 2,
    backoff: { type: "fixed", delay: 60_000 },
    timeoutMs: 10 * 60_000,
    priority: Priority.none,
    removeOnComplete: { age: 86400, count: 100 },
    removeOnFail: { age: 7 * 86400 },
  } as const;
  return {
    generate_thumbnail: {
      attempts: config.thumbnails.attempts,
      backoff: { type: "exponential", delay: config.thumbnails.backoffMs },
      timeoutMs: config.thumbnails.timeoutSeconds * 1000,
      priority: Priority.upload,
      removeOnComplete: { age: 3600, count: 1000 },
      removeOnFail: { age: 7 * 86400 },
    },
    // Run from `POST /admin/cleanup`, which waits for the result.
    cleanup: { ...cleanup, removeOnComplete: { age: 3600 }, removeOnFail: { age: 86400 } },
    // Enough history to see that the scheduled runs ran, without growing forever.
    cleanup_stale_records: {
      ...cleanup,
      attempts: 2,
      backoff: { type: "fixed", delay: 60_000 },
      removeOnComplete: { age: 86400, count: 100 },
      removeOnFail: { age: 7 * 86400 },
    },
    // --- issue 15 ---
    prepare_media: {
      attempts: config.media.attempts,
      backoff: { type: "fixed", delay: 10_000 },
      // The longer of the two budgets; each conversion/transcode has its own timeout inside it.
      timeoutMs: Math.max(config.media.conversionTimeoutSeconds, config.media.transcodeTimeoutSeconds) * 1000 + 60_000,
      priority: Priority.upload,
      removeOnComplete: { age: 3600, count: 1000 },
      removeOnFail: { age: 30 * 86400 },
    },
    render_storyboard: {
      attempts: config.media.attempts,
      backoff: { type: "fixed", delay: 10_000 },
      timeoutMs: config.media.transcodeTimeoutSeconds * 1000,
      priority: Priority.backfill,
      removeOnComplete: { age: 3600, count: 1000 },
      removeOnFail: { age: 7 * 86400 },
    },
    // --- end issue 15 ---
    sweep_pending_thumbnails: {
      attempts: 1,
      backoff: { type: "fixed", delay: 0 },
      timeoutMs: 60_000,
      priority: Priority.none,
      removeOnComplete: { count: 100 },
      removeOnFail: { count: 100 },
    },
    prune_expired_sessions: pruning,
    prune_job_runs: pruning,
    // --- search (issue 13) ---
    extract_text: {
      attempts: config.search.extractionAttempts,
      backoff: { type: "exponential", delay: config.thumbnails.backoffMs },
      timeoutMs: config.search.extractionTimeoutSeconds * 1000,
      priority: Priority.upload,
      removeOnComplete: { age: 3600, count: 1000 },
      removeOnFail: { age: 7 * 86400 },
    },
    backfill_text_index: {
      attempts: 1,
      backoff: { type: "fixed", delay: 0 },
      timeoutMs: 10 * 60_000,
      priority: Priority.none,
      removeOnComplete: { count: 100 },
      removeOnFail: { count: 100 },
    },
    // --- end search ---
  };
}

/** The consumers of each queue, from config. */
export function queueSettings(config: Config): Record<QueueName, QueueSettings> {
  return {
    // ffmpeg runs in a child process, so the lock keeps being renewed during a long render; a killed
    // worker's job is taken over after at most lock + interval (30 s by default).
    thumbnails: {
      concurrency: config.thumbnails.concurrency,
      lockDurationMs: config.thumbnails.lockDurationMs,
      stalledIntervalMs: config.thumbnails.stalledIntervalMs,
      maxStalledCount: 2,
    },
    maintenance: { concurrency: 1, lockDurationMs: 60_000, stalledIntervalMs: 30_000, maxStalledCount: 2 },
    // LibreOffice and ffmpeg run in child processes, so the event loop stays free to renew locks.
    media: {
      concurrency: config.media.concurrency,
      lockDurationMs: 60_000,
      stalledIntervalMs: 30_000,
      maxStalledCount: 2,
    },
  };
}

/** The options BullMQ stores on a job added with these settings. */
export function addOptions(settings: JobSettings): JobsOptions {
  const { attempts, backoff, priority, removeOnComplete, removeOnFail } = settings;
  // Priority 0 is BullMQ's default: left out, so such jobs stay in the plain FIFO list.
  return { attempts, backoff, removeOnComplete, removeOnFail, ...(priority === Priority.none ? {} : { priority }) };
}
