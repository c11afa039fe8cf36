import type { JobQueues, QueueName } from "@learning-hub/queue";
import type { Job } from "bullmq";
import type { AppDependencies } from "../dependencies";
import { invalidStatus, queuedJobNotFound } from "../errors/app-error";
import type { FailedJob, FailedJobPage, JobActionResult } from "../schemas/admin";
import { toTimestamp } from "../schemas/common";
import type { AdminActor, AuditService } from "./audit-service";
import { createRedisGuard, type RedisGuard } from "./redis-guard";

/** Failed jobs of the queues, for admins to inspect and send back for another try (503 while Redis is away). */
export class AdminJobsService {
  constructor(
    private readonly queues: JobQueues,
    private readonly redis: RedisGuard,
    private readonly audit: AuditService,
  ) {}

  listFailed(queue: QueueName, page: number, pageSize: number): Promise<FailedJobPage> {
    return this.redis.run(async () => {
      const source = this.queues[queue];
      const start = (page - 1) * pageSize;
      // Newest failures first (BullMQ keeps the failed set ordered by finish time).
      const [jobs, total] = await Promise.all([source.getFailed(start, start + pageSize - 1), source.getFailedCount()]);
      return { items: jobs.map((job) => toFailedJob(queue, job)), total, page, page_size: pageSize };
    });
  }

  async retry(queue: QueueName, jobId: string, actor: AdminActor): Promise<JobActionResult> {
    const failedReason = await this.redis.run(() => this.#retry(queue, jobId));
    await this.audit.record(actor, {
      action: "job.retry",
      targetType: "job",
      targetId: `${queue}/${jobId}`,
      before: { state: "failed", failed_reason: failedReason },
      after: { state: "waiting" },
    });
    return { success: true, message: `Job ${jobId} queued for retry`, job_id: jobId };
  }

  /** Moves a failed job back to waiting, with its attempts reset; anything but a failed job is refused. */
  async #retry(queue: QueueName, jobId: string): Promise<string | null> {
    const job = await this.queues[queue].getJob(jobId);
    if (!job) throw queuedJobNotFound(queue, jobId);
    const state = await job.getState();
    if (state !== "failed") {
      throw invalidStatus(`Only failed jobs can be retried; job ${jobId} is ${state}`, { state });
    }
    await job.retry("failed");
    return job.failedReason ?? null;
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

export const createAdminJobsService = (deps: AppDependencies, audit: AuditService): AdminJobsService =>
  new AdminJobsService(deps.queues, createRedisGuard(deps.redis, deps.config.redis.commandTimeoutMs), audit);
