import { eq, sql } from "drizzle-orm";
import type { Database } from "../client";
import { type ScheduledJobRow, scheduledJobs } from "../schema";

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

  async setPaused(id: string, paused: boolean): Promise<ScheduledJobRow | undefined> {
    const [row] = await this.db
      .update(scheduledJobs)
      .set({ paused, updatedAt: sql`now()` })
      .where(eq(scheduledJobs.id, id))
      .returning();
    return row;
  }
}
