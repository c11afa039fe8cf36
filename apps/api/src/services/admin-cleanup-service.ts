import type { CleanupParams, JobQueues } from "@learning-hub/queue";
import type { AppDependencies } from "../dependencies";
import { AppError, cleanupFailed } from "../errors/app-error";
import { type CleanupResponse, toCleanupResponse } from "../schemas/admin";
import type { AdminActor, AuditService } from "./audit-service";
import { createRedisGuard, type RedisGuard } from "./redis-guard";

/** Longer than the wait for the job, so that a slow worker is told apart from an unreachable Redis. */
const REDIS_GRACE_MS = 2_000;

/**
 * Runs a cleanup on the worker queue and waits for its outcome, at most `timeoutMs` (then 500
 * `CLEANUP_FAILED`); 503 naming Redis when Redis is away, at once or within the same bound.
 */
export class AdminCleanupService {
  constructor(
    private readonly queues: JobQueues,
    private readonly redis: RedisGuard,
    private readonly timeoutMs: number,
    private readonly audit: AuditService,
  ) {}

  /** A real run or, with `dryRun`, a listing of what a run would remove; audited either way, before it runs. */
  async run(params: CleanupParams, actor: AdminActor): Promise<CleanupResponse> {
    const { dryRun, ...parameters } = params;
    await this.audit.record(actor, {
      action: dryRun ? "cleanup.dry_run" : "cleanup.run",
      targetType: "cleanup",
      targetId: "cleanup",
      after: {
        cleanup_processing: parameters.cleanupProcessing,
        cleanup_orphans: parameters.cleanupOrphans,
        max_age_minutes: parameters.maxAgeMinutes,
      },
    });
    const started = Date.now();
    try {
      // A real run's job carries the contract's parameters only.
      const job = dryRun ? { ...parameters, dryRun: true } : parameters;
      // The job may take up to `timeoutMs` (then its own wait fails first); the guard bounds reaching Redis at all.
      const outcome = await this.redis.run(
        () => this.queues.runCleanup(job, this.timeoutMs),
        this.timeoutMs + REDIS_GRACE_MS,
      );
      return toCleanupResponse(outcome);
    } catch (error) {
      if (error instanceof AppError && error.code === "SERVICE_UNAVAILABLE") throw error;
      // The job failed, Redis is gone, or the worker did not answer in time; the cause goes to the log only.
      const timedOut = Date.now() - started >= this.timeoutMs;
      const message = timedOut
        ? `Cleanup did not finish within ${Math.round(this.timeoutMs / 1000)} seconds`
        : "Cleanup job failed";
      throw cleanupFailed(message, error);
    }
  }
}

export const createAdminCleanupService = (deps: AppDependencies, audit: AuditService): AdminCleanupService =>
  new AdminCleanupService(
    deps.queues,
    createRedisGuard(deps.redis, deps.config.redis.commandTimeoutMs),
    deps.config.cleanup.timeoutSeconds * 1000,
    audit,
  );
