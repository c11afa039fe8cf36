import type { CleanupParams, JobQueues } from "@learning-hub/queue";
import type { AppDependencies } from "../dependencies";
import { cleanupFailed } from "../errors/app-error";
import { type CleanupResponse, toCleanupResponse } from "../schemas/admin";

/** Runs a cleanup on the worker queue and waits for its outcome, at most `timeoutMs`. */
export class AdminCleanupService {
  constructor(
    private readonly queues: JobQueues,
    private readonly timeoutMs: number,
  ) {}

  async run(params: CleanupParams): Promise<CleanupResponse> {
    const started = Date.now();
    try {
      return toCleanupResponse(await this.queues.runCleanup(params, this.timeoutMs));
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

export const createAdminCleanupService = (deps: AppDependencies): AdminCleanupService =>
  new AdminCleanupService(deps.queues, deps.config.cleanup.timeoutSeconds * 1000);
