import { eq, sql } from "drizzle-orm";
import type { Database } from "../client";
import { type ScheduledJobRow, scheduledJobs } from "../schema";

export interface ScheduledJobChange {
  before: ScheduledJobRow;
  after: ScheduledJobRow;
}

export interface ScheduledJobSeed {
  id: string;
  name: string;
  schedule: string;
}

/** The desired state of scheduled jobs (paused or not, schedule); BullMQ is reconciled to it. */
export class ScheduledJobsRepository {
  constructor(private readonly db: Database) {}

  async find(id: string): Promise<ScheduledJobRow | undefined> {
    const [row] = await this.db.select().from(scheduledJobs).where(eq(scheduledJobs.id, id));
    return row;
  }

  /**
   * Inserts the rows that do not exist yet (not paused); an existing row keeps its schedule and paused
   * flag, so processes seeding with different configs never overwrite each other.
   */
  async seed(seeds: readonly ScheduledJobSeed[]): Promise<void> {
    if (seeds.length === 0) return;
    await this.db
      .insert(scheduledJobs)
      .values([...seeds])
      .onConflictDoNothing({ target: scheduledJobs.id });
  }

  async setPaused(id: string, paused: boolean): Promise<ScheduledJobChange | undefined> {
    return this.update(id, { paused });
  }

  async setSchedule(id: string, schedule: string): Promise<ScheduledJobChange | undefined> {
    return this.update(id, { schedule });
  }

  /**
   * Changes the row under its lock and returns it before and after: concurrent changes of one
   * schedule (two admins) run one after the other, each seeing the last. `undefined`: no row.
   */
  private async update(
    id: string,
    change: Partial<Pick<ScheduledJobRow, "schedule" | "paused">>,
  ): Promise<ScheduledJobChange | undefined> {
    return this.db.transaction(async (tx) => {
      const [before] = await tx.select().from(scheduledJobs).where(eq(scheduledJobs.id, id)).for("update");
      if (!before) return undefined;
      const [after] = await tx.update(scheduledJobs).set(change).where(eq(scheduledJobs.id, id)).returning();
      return after && { before, after };
    });
  }

  /**
   * Runs `apply` with the row as committed at that moment, holding a lock every process applying
   * this schedule to BullMQ takes (the API after a change, each worker's reconciler). Appliers run
   * one at a time and each reads the row after the previous one finished, so the last to run applies
   * the latest state: two changes applied in the opposite order of their commits cannot leave BullMQ
   * on the older one.
   */
  async applyLocked<T>(id: string, apply: (row: ScheduledJobRow | undefined) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`scheduled_job:${id}`}))`);
      const [row] = await tx.select().from(scheduledJobs).where(eq(scheduledJobs.id, id));
      return apply(row);
    });
  }
}
