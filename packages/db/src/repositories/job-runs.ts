import { and, count, desc, eq, inArray, lt, type SQL, sql } from "drizzle-orm";
import type { Database } from "../client";
import { type JobRunOutcome, type JobRunRow, jobRuns } from "../schema";

/** The start of an attempt; the id is made by the caller so the finish never waits for the insert. */
export interface JobRunStart {
  id: string;
  queue: string;
  jobName: string;
  jobId: string;
  schedulerId: string | null;
  materialId: number | null;
  attempt: number;
  startedAt: Date;
}

export interface JobRunFinish {
  outcome: Exclude<JobRunOutcome, "running" | "interrupted">;
  finishedAt: Date;
  durationMs: number;
  error: string | null;
  summary: Record<string, unknown> | null;
}

/** Filters of the run listing; each one given narrows it. */
export interface JobRunFilter {
  queue?: string;
  jobName?: string;
  outcome?: JobRunOutcome;
  materialId?: number;
  schedulerId?: string;
}

export interface JobRunPage {
  items: JobRunRow[];
  total: number;
}

/** Rows per statement of the retention delete: short transactions, no long lock on the table. */
const DELETE_BATCH_SIZE = 5_000;

/** The run history: one row per attempt of any job, written by the worker, read by admins. */
export class JobRunsRepository {
  constructor(private readonly db: Database) {}

  /**
   * Records an attempt as running. Rows of the same job still `running` belong to an
   * attempt whose worker died before finishing (BullMQ handed the job over): they
   * become `interrupted` in the same statement.
   */
  async start(run: JobRunStart): Promise<void> {
    // Raw SQL (a data-modifying CTE) binds no Date: postgres.js wants the text form here.
    const startedAt = run.startedAt.toISOString();
    await this.db.execute(sql`
      with interrupted as (
        update ${jobRuns}
        set outcome = 'interrupted', finished_at = ${startedAt},
            duration_ms = greatest(0, (extract(epoch from (${startedAt}::timestamptz - started_at)) * 1000)::integer)
        where queue = ${run.queue} and job_id = ${run.jobId} and outcome = 'running'
      )
      insert into ${jobRuns} (id, queue, job_name, job_id, scheduler_id, material_id, attempt, started_at)
      values (${run.id}, ${run.queue}, ${run.jobName}, ${run.jobId}, ${run.schedulerId}, ${run.materialId},
              ${run.attempt}, ${startedAt})`);
  }

  /**
   * Records how an attempt ended. Writes the whole row, so an attempt whose start could
   * not be recorded (database briefly away) still gets its row; changes nothing when the
   * row has ended already (interrupted, or finished twice). Returns whether it wrote.
   */
  async finish(run: JobRunStart, result: JobRunFinish): Promise<boolean> {
    const written = await this.db
      .insert(jobRuns)
      .values({ ...run, ...result })
      .onConflictDoUpdate({ target: jobRuns.id, set: result, setWhere: eq(jobRuns.outcome, "running") })
      .returning({ id: jobRuns.id });
    return written.length > 0;
  }

  async find(id: string): Promise<JobRunRow | undefined> {
    const [row] = await this.db.select().from(jobRuns).where(eq(jobRuns.id, id));
    return row;
  }

  /** A page of runs, newest first (ties by id, so paging never repeats or skips a row), and the total. */
  async list(filter: JobRunFilter, page: number, pageSize: number): Promise<JobRunPage> {
    const where = and(...conditions(filter));
    const [items, [total]] = await Promise.all([
      this.db
        .select()
        .from(jobRuns)
        .where(where)
        .orderBy(desc(jobRuns.startedAt), desc(jobRuns.id))
        .limit(pageSize)
        .offset((page - 1) * pageSize),
      this.db.select({ value: count() }).from(jobRuns).where(where),
    ]);
    return { items, total: total?.value ?? 0 };
  }

  /** The latest run of each of the schedules, by schedule id; a schedule that never ran is absent. */
  async latestBySchedule(schedulerIds: readonly string[]): Promise<Map<string, JobRunRow>> {
    if (schedulerIds.length === 0) return new Map();
    const rows = await this.db
      .selectDistinctOn([jobRuns.schedulerId])
      .from(jobRuns)
      .where(inArray(jobRuns.schedulerId, [...schedulerIds]))
      .orderBy(jobRuns.schedulerId, desc(jobRuns.startedAt), desc(jobRuns.id));
    return new Map(rows.map((row) => [row.schedulerId as string, row]));
  }

  /** Deletes runs started before `cutoff`, in batches; returns how many. */
  async deleteStartedBefore(cutoff: Date, batchSize = DELETE_BATCH_SIZE): Promise<number> {
    let deleted = 0;
    for (;;) {
      const batch = this.db
        .select({ id: jobRuns.id })
        .from(jobRuns)
        .where(lt(jobRuns.startedAt, cutoff))
        .orderBy(jobRuns.startedAt)
        .limit(batchSize);
      const rows = await this.db.delete(jobRuns).where(inArray(jobRuns.id, batch)).returning({ id: jobRuns.id });
      deleted += rows.length;
      if (rows.length < batchSize) return deleted;
    }
  }
}

function conditions(filter: JobRunFilter): SQL[] {
  const where: SQL[] = [];
  if (filter.queue !== undefined) where.push(eq(jobRuns.queue, filter.queue));
  if (filter.jobName !== undefined) where.push(eq(jobRuns.jobName, filter.jobName));
  if (filter.outcome !== undefined) where.push(eq(jobRuns.outcome, filter.outcome));
  if (filter.materialId !== undefined) where.push(eq(jobRuns.materialId, filter.materialId));
  if (filter.schedulerId !== undefined) where.push(eq(jobRuns.schedulerId, filter.schedulerId));
  return where;
}
