import { and, eq, gt, inArray, isNull, lt, ne, sql } from "drizzle-orm";
import type { Database } from "../client";
import { authSessions, users } from "../schema";

/** What a request needs to know about its token's user and session, in one query. */
export interface SessionAccess {
  /** `undefined` when the user no longer exists. */
  user?: { isActive: boolean; isAdmin: boolean };
  /** True when the session exists, belongs to the user, is not revoked and not expired. */
  sessionLive: boolean;
}

export type RotationResult = "rotated" | "replayed" | "dead";

/** Rows per statement of the pruning delete: short transactions, no long lock on the table. */
const PRUNE_BATCH_SIZE = 5_000;

export class AuthSessionsRepository {
  constructor(private readonly db: Database) {}

  async create(session: { id: string; userId: number; refreshJti: string; expiresAt: Date }): Promise<void> {
    await this.db.insert(authSessions).values(session);
  }

  async findAccess(sessionId: string, userId: number): Promise<SessionAccess> {
    const [row] = await this.db
      .select({
        isActive: users.isActive,
        isAdmin: users.isAdmin,
        sessionId: authSessions.id,
      })
      .from(users)
      .leftJoin(
        authSessions,
        and(
          eq(authSessions.id, sessionId),
          eq(authSessions.userId, users.id),
          isNull(authSessions.revokedAt),
          gt(authSessions.expiresAt, sql`now()`),
        ),
      )
      .where(eq(users.id, userId));
    if (!row) return { sessionLive: false };
    return { user: { isActive: row.isActive, isAdmin: row.isAdmin }, sessionLive: row.sessionId !== null };
  }

  /**
   * Replaces the session's current refresh token id `presentedJti` by `nextJti`
   * and extends its expiry. When the session is live but `presentedJti` is not
   * its current one, the token was already rotated: a replay, and the whole
   * session is revoked.
   */
  async rotate(input: {
    sessionId: string;
    userId: number;
    presentedJti: string;
    nextJti: string;
    expiresAt: Date;
  }): Promise<RotationResult> {
    const live = and(
      eq(authSessions.id, input.sessionId),
      eq(authSessions.userId, input.userId),
      isNull(authSessions.revokedAt),
      gt(authSessions.expiresAt, sql`now()`),
    );
    const rotated = await this.db
      .update(authSessions)
      .set({ refreshJti: input.nextJti, expiresAt: input.expiresAt })
      .where(and(live, eq(authSessions.refreshJti, input.presentedJti)))
      .returning({ id: authSessions.id });
    if (rotated.length > 0) return "rotated";
    const replayed = await this.db
      .update(authSessions)
      .set({ revokedAt: sql`now()`, revokedReason: "refresh_token_reuse" })
      .where(and(live, ne(authSessions.refreshJti, input.presentedJti)))
      .returning({ id: authSessions.id });
    return replayed.length > 0 ? "replayed" : "dead";
  }

  /** Revokes the session if it is still live; returns whether it was. */
  async revoke(sessionId: string, reason: string): Promise<boolean> {
    const revoked = await this.db
      .update(authSessions)
      .set({ revokedAt: sql`now()`, revokedReason: reason })
      .where(and(eq(authSessions.id, sessionId), isNull(authSessions.revokedAt)))
      .returning({ id: authSessions.id });
    return revoked.length > 0;
  }

  /**
   * Deletes sessions past their refresh expiry (`expires_at` before `now`), revoked or not:
   * no token of theirs can be used any more. In batches; returns how many.
   */
  async deleteExpired(now: Date, batchSize = PRUNE_BATCH_SIZE): Promise<number> {
    let deleted = 0;
    for (;;) {
      const batch = this.db
        .select({ id: authSessions.id })
        .from(authSessions)
        .where(lt(authSessions.expiresAt, now))
        .orderBy(authSessions.expiresAt)
        .limit(batchSize);
      const rows = await this.db
        .delete(authSessions)
        .where(inArray(authSessions.id, batch))
        .returning({ id: authSessions.id });
      deleted += rows.length;
      if (rows.length < batchSize) return deleted;
    }
  }
}
