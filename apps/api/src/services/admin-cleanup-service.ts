import type { CleanupParams, JobQueues } from "@learning-hub/queue";
import type { AppDependencies } from "../dependencies";
import { cleanupFailed } from "../errors/app-error";
import { type CleanupResponse, toCleanupResponse } from "../schemas/admin";
import type { AdminActor, AuditService } from "./audit-service";

/** Runs a cleanup on the worker queue and waits for its outcome, at most `timeoutMs`. */
export class AdminCleanupService {
  constructor(
    private readonly queues: JobQueues,
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
      return toCleanupResponse(await this.queues.runCleanup(job, this.timeoutMs));
    } catch (error) {
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
  new AdminCleanupService(deps.queues, deps.config.cleanup.timeoutSeconds * 1000, audit);
