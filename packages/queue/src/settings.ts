import type { Config } from "@learning-hub/config";
import type { JobsOptions } from "bullmq";
import type { JobName } from "./contracts";

export interface JobSettings {
  attempts: number;
  backoff: { type: "exponential" | "fixed"; delay: number };
  /** A run taking longer than this fails the attempt. */
  timeoutMs: number;
}

/**
 * Retry and timeout settings of every job, from config. Producers apply them
 * when adding a job (BullMQ keeps attempts/backoff on the job); the worker
 * enforces the timeout and knows when an attempt is the last one.
 */
export function jobSettings(config: Config): Record<JobName, JobSettings> {
  const thumbnails: JobSettings = {
    attempts: config.thumbnails.attempts,
    backoff: { type: "exponential", delay: config.thumbnails.backoffMs },
    timeoutMs: config.thumbnails.timeoutSeconds * 1000,
  };
  const cleanup: JobSettings = {
    attempts: 1,
    backoff: { type: "fixed", delay: 0 },
    timeoutMs: config.cleanup.timeoutSeconds * 1000,
  };
  return {
    generate_thumbnail: thumbnails,
    cleanup,
    cleanup_stale_records: { ...cleanup, attempts: 2, backoff: { type: "fixed", delay: 60_000 } },
    sweep_pending_thumbnails: { attempts: 1, backoff: { type: "fixed", delay: 0 }, timeoutMs: 60_000 },
  };
}

export function addOptions(settings: JobSettings): Pick<JobsOptions, "attempts" | "backoff"> {
  return { attempts: settings.attempts, backoff: settings.backoff };
}
