import { eq, sql } from "drizzle-orm";
import type { Database } from "../client";
import { type QueueControlRow, queueControls } from "../schema";

/** What admins may set on a queue; a field left out keeps its value. */
export interface QueueControlChange {
  paused?: boolean;
  /** null removes the global limit. */
  concurrency?: number | null;
}

export interface QueueControlState {
  paused: boolean;
  concurrency: number | null;
}

/** A queue without a row runs unpaused and without a global limit. */
export const DEFAULT_QUEUE_CONTROL: QueueControlState = { paused: false, concurrency: null };

const stateOf = (row: QueueControlRow | undefined): QueueControlState =>
  row ? { paused: row.paused, concurrency: row.concurrency } : { ...DEFAULT_QUEUE_CONTROL };

/** The desired state of the queues (paused, global concurrency); workers reconcile BullMQ to it. */
export class QueueControlsRepository {
  constructor(private readonly db: Database) {}

  async find(queue: string): Promise<QueueControlState> {
    const [row] = await this.db.select().from(queueControls).where(eq(queueControls.queue, queue));
    return stateOf(row);
  }

  async all(): Promise<Map<string, QueueControlState>> {
    const rows = await this.db.select().from(queueControls);
    return new Map(rows.map((row) => [row.queue, stateOf(row)]));
  }

  /**
   * Runs `apply` with the queue's state as committed at that moment, holding a lock every process
   * applying this queue's state to BullMQ takes; the last to run applies the latest state (see
   * `ScheduledJobsRepository.applyLocked`).
   */
  async applyLocked<T>(queue: string, apply: (state: QueueControlState) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`queue_control:${queue}`}))`);
      const [row] = await tx.select().from(queueControls).where(eq(queueControls.queue, queue));
      return apply(stateOf(row));
    });
  }

  /**
   * Applies `change` under the row's lock and returns the state before and after:
   * concurrent changes of one queue run one after the other, each seeing the last.
   */
  async update(
    queue: string,
    change: QueueControlChange,
  ): Promise<{ before: QueueControlState; after: QueueControlState }> {
    return this.db.transaction(async (tx) => {
      await tx.insert(queueControls).values({ queue }).onConflictDoNothing({ target: queueControls.queue });
      const [locked] = await tx.select().from(queueControls).where(eq(queueControls.queue, queue)).for("update");
      const before = stateOf(locked);
      const after: QueueControlState = {
        paused: change.paused ?? before.paused,
        concurrency: change.concurrency === undefined ? before.concurrency : change.concurrency,
      };
      await tx.update(queueControls).set(after).where(eq(queueControls.queue, queue));
      return { before, after };
    });
  }
}
