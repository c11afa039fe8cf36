import { CleanupRepository } from "@learning-hub/db/repositories/cleanup";
import type { CleanupOutcome } from "@learning-hub/queue";
import type { JobDependencies } from "../dependencies";
import { CleanupService } from "../services/cleanup-service";
import type { JobContext, JobHandlers } from "./types";

/** The cleanup jobs of the job table: the manual run and the scheduled one share the service. */
export function createCleanupHandlers(deps: JobDependencies): Pick<JobHandlers, "cleanup" | "cleanup_stale_records"> {
  const service = new CleanupService({
    repository: new CleanupRepository(deps.database.db),
    storage: deps.storage,
    orphanGraceMinutes: deps.config.cleanup.orphanGraceMinutes,
  });
  const report = (outcome: CleanupOutcome, context: JobContext) => {
    const { errors, ...counts } = outcome;
    if (errors.length > 0)
      context.logger.warn({ ...counts, errors: errors.slice(0, 20) }, "cleanup finished with errors");
    else context.logger.info(counts, "cleanup finished");
    return outcome;
  };
  return {
    async cleanup(params, context) {
      if (!params.dryRun) return report(await service.run(params, context.signal), context);
      const preview = await service.preview(params, context.signal);
      context.logger.info({ records: preview.records.total, files: preview.files.total }, "cleanup dry run finished");
      return {
        cleanedRecords: 0,
        cleanedFiles: 0,
        durationSeconds: preview.durationSeconds,
        errors: preview.errors,
        wouldClean: { records: preview.records, files: preview.files },
      };
    },
    // The scheduler's template carries the default parameters (see SCHEDULES).
    cleanup_stale_records: async (params, context) => report(await service.run(params, context.signal), context),
  };
}
