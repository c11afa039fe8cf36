import type { CleanupOutcome, JobName, JobResult } from "@learning-hub/queue";

type RunSummary = Record<string, unknown>;

const cleanupSummary = (outcome: CleanupOutcome): RunSummary => ({
  records_cleaned: outcome.cleanedRecords,
  files_cleaned: outcome.cleanedFiles,
  errors: outcome.errors.length,
  ...(outcome.wouldClean
    ? {
        dry_run: true,
        would_clean_records: outcome.wouldClean.records.total,
        would_clean_files: outcome.wouldClean.files.total,
      }
    : {}),
});

/**
 * What the run history keeps of each job's result, in the admin API's terms. Typed by job name like the
 * handlers, so a new job does not compile without saying what its runs report.
 */
export const RUN_SUMMARIES: { [N in JobName]: (result: JobResult<N>) => RunSummary } = {
  generate_thumbnail: (report) => ({ outcome: report.outcome, kind: report.type, output_bytes: report.outputBytes }),
  cleanup: cleanupSummary,
  cleanup_stale_records: cleanupSummary,
  sweep_pending_thumbnails: (result) => ({
    enqueued: result.enqueued,
    preparations_enqueued: result.preparationsEnqueued,
  }),
  prune_expired_sessions: (result) => ({ deleted_sessions: result.deletedSessions }),
  prune_job_runs: (result) => ({ deleted_runs: result.deletedRuns }),
  extract_text: (result) => ({ outcome: result.outcome }),
  backfill_text_index: (result) => ({ indexed: result.indexed, enqueued: result.enqueued }),
  // --- issue 15 ---
  prepare_media: (result) => ({ outcome: result.outcome }),
  render_storyboard: (result) => ({ outcome: result.outcome }),
};

/** The summary of a job's result; null for a job name outside the contracts. */
export function summarizeRun(jobName: string, result: unknown): RunSummary | null {
  const summarize = RUN_SUMMARIES[jobName as JobName] as ((result: unknown) => RunSummary) | undefined;
  return summarize ? summarize(result) : null;
}
