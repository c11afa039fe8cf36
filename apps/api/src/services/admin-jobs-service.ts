import type { JobQueues, QueueName } from "@learning-hub/queue";
import type { Job } from "bullmq";
import type { AppDependencies } from "../dependencies";
import { invalidStatus, queuedJobNotFound } from "../errors/app-error";
import type { FailedJob, FailedJobPage, JobActionResult } from "../schemas/admin";
import { toTimestamp } from "../schemas/common";

/** Failed jobs of the queues, for admins to inspect and send back for another try. */
export class AdminJobsService {
  constructor(private readonly queues: JobQueues) {}

  async listFailed(queue: QueueName, page: number, pageSize: number): Promise<FailedJobPage> {
    const source = this.queues[queue];
    const start = (page - 1) * pageSize;
    // Newest failures first (BullMQ keeps the failed set ordered by finish time).
    const [jobs, total] = await Promise.all([source.getFailed(start, start + pageSize - 1), source.getFailedCount()]);
    return { items: jobs.map((job) => toFailedJob(queue, job)), total, page, page_size: pageSize };
  }

  /** Moves a failed job back to waiting, with its attempts reset; anything but a failed job is refused. */
  async retry(queue: QueueName, jobId: string): Promise<JobActionResult> {
    const job = await this.queues[queue].getJob(jobId);
    if (!job) throw queuedJobNotFound(queue, jobId);
    const state = await job.getState();
    if (state !== "failed") {
      throw invalidStatus(`Only failed jobs can be retried; job ${jobId} is ${state}`, { state });
    }
    await job.retry("failed");
    return { success: true, message: `Job ${jobId} queued for retry`, job_id: jobId };
  }
}

function toFailedJob(queue: QueueName, job: Job): FailedJob {
  return {
    id: job.id ?? "",
    queue,
    name: job.name,
    data: (job.data ?? {}) as Record<string, unknown>,
    failed_reason: job.failedReason ?? "",
    attempts_made: job.attemptsMade,
    failed_at: job.finishedOn ? toTimestamp(new Date(job.finishedOn)) : null,
  };
}

export const createAdminJobsService = (deps: AppDependencies): AdminJobsService => new AdminJobsService(deps.queues);
