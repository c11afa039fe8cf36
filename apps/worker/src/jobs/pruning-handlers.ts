import { AuthSessionsRepository } from "@learning-hub/db/repositories/auth-sessions";
import { JobRunsRepository } from "@learning-hub/db/repositories/job-runs";
import type { JobDependencies } from "../dependencies";
import type { JobHandlers } from "./types";

const DAY_MS = 86_400_000;

/** The pruning jobs: auth sessions past their refresh expiry, run history past its retention. */
export function createPruningHandlers(
  deps: JobDependencies,
): Pick<JobHandlers, "prune_expired_sessions" | "prune_job_runs"> {
  const sessions = new AuthSessionsRepository(deps.database.db);
  const runs = new JobRunsRepository(deps.database.db);
  return {
    async prune_expired_sessions(_data, context) {
      const deletedSessions = await sessions.deleteExpired(new Date());
      context.logger.info({ deletedSessions }, "expired sessions pruned");
      return { deletedSessions };
    },
    async prune_job_runs(_data, context) {
      const { retentionDays } = deps.config.jobRuns;
      const deletedRuns = await runs.deleteStartedBefore(new Date(Date.now() - retentionDays * DAY_MS));
      context.logger.info({ deletedRuns, retentionDays }, "run history pruned");
      return { deletedRuns };
    },
  };
}
