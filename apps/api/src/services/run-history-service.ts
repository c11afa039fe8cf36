import type { JobRunRow } from "@learning-hub/db";
import { type JobRunFilter, JobRunsRepository } from "@learning-hub/db/repositories/job-runs";
import type { ServiceDependencies } from "../dependencies";
import type { JobRun, JobRunPage, LastRun } from "../schemas/admin";
import { toTimestamp } from "../schemas/common";

/** The run history the worker records: every attempt of every job, newest first. */
export class RunHistoryService {
  constructor(readonly repository: JobRunsRepository) {}

  async list(filter: JobRunFilter, page: number, pageSize: number): Promise<JobRunPage> {
    const { items, total } = await this.repository.list(filter, page, pageSize);
    return { items: items.map(toJobRun), total, page, page_size: pageSize, total_pages: Math.ceil(total / pageSize) };
  }

  /** The latest run of each schedule, by schedule id. */
  async lastRuns(scheduleIds: readonly string[]): Promise<Map<string, LastRun>> {
    const rows = await this.repository.latestBySchedule(scheduleIds);
    return new Map([...rows].map(([id, row]) => [id, toLastRun(row)]));
  }
}

export function toJobRun(row: JobRunRow): JobRun {
  return {
    id: row.id,
    queue: row.queue,
    name: row.jobName,
    job_id: row.jobId,
    scheduler_id: row.schedulerId,
    material_id: row.materialId,
    attempt: row.attempt,
    started_at: toTimestamp(row.startedAt),
    finished_at: row.finishedAt ? toTimestamp(row.finishedAt) : null,
    duration_ms: row.durationMs,
    outcome: row.outcome,
    error: row.error,
    summary: row.summary,
  };
}

const toLastRun = (row: JobRunRow): LastRun => ({
  id: row.id,
  started_at: toTimestamp(row.startedAt),
  finished_at: row.finishedAt ? toTimestamp(row.finishedAt) : null,
  outcome: row.outcome,
  summary: row.summary,
  error: row.error,
});

export const createRunHistoryService = (deps: ServiceDependencies): RunHistoryService =>
  new RunHistoryService(new JobRunsRepository(deps.database.db));
