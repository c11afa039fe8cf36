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

  /** Creates the row (not paused) unless it exists; an existing row keeps its schedule and paused flag. */
  async ensure(seed: ScheduledJobSeed): Promise<ScheduledJobRow> {
    await this.db.insert(scheduledJobs).values(seed).onConflictDoNothing({ target: scheduledJobs.id });
    const row = await this.find(seed.id);
    if (!row) throw new Error(`scheduled job ${seed.id} vanished right after it was ensured`);
    return row;
  }

  /**
   * Creates the row or sets its name and schedule (the worker's configuration
   * decides the schedule), keeping its paused flag.
   */
  async upsertSchedule(seed: ScheduledJobSeed): Promise<ScheduledJobRow> {
    const [row] = await this.db
      .insert(scheduledJobs)
      .values(seed)
      .onConflictDoUpdate({
        target: scheduledJobs.id,
        set: { name: seed.name, schedule: seed.schedule, updatedAt: sql`now()` },
        // No write (and no new updated_at) when nothing changed.
        setWhere: sql`(${scheduledJobs.name}, ${scheduledJobs.schedule}) is distinct from (excluded.name, excluded.schedule)`,
      })
      .returning();
    return row ?? (await this.ensure(seed));
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
