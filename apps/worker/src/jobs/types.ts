import type { JobData, JobName, JobResult } from "@learning-hub/queue";
import type { Job } from "bullmq";
import type { Logger } from "pino";

export interface JobContext {
  job: Job;
  logger: Logger;
  /** Aborted when the attempt times out or the worker shuts down. */
  signal: AbortSignal;
  /** True when a failure of this attempt fails the job for good. */
  isFinalAttempt: boolean;
}

export type JobHandler<N extends JobName> = (data: JobData<N>, context: JobContext) => Promise<JobResult<N>>;

/** One handler per job name: a job added to the contracts cannot compile without one. */
export type JobHandlers = { [N in JobName]: JobHandler<N> };
