import type { AuthSessionsRepository, SessionAccess } from "@learning-hub/db/repositories/auth-sessions";

export interface SessionAccessCacheOptions {
  /** How long an answer is reused; bounds how late another process sees a revocation. 0 disables caching. */
  ttlMs: number;
  /** Entries kept at most; the oldest go first. */
  maxEntries: number;
}

export const DEFAULT_SESSION_CACHE: SessionAccessCacheOptions = { ttlMs: 1000, maxEntries: 10_000 };

interface Entry {
  userId: number;
  expiresAt: number;
  access: Promise<SessionAccess>;
}

/**
 * The per-request revocation check: whether a token's session is live and its
 * user exists, is active and is an admin. PostgreSQL holds the truth; this
 * process reuses an answer for `ttlMs`, so a burst of requests with one token
 * costs one query. Revocations made in this process apply at once (`forget`);
 * those made by another API process apply within `ttlMs`.
 */
export class SessionAccessCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly sessions: AuthSessionsRepository,
    private readonly options: SessionAccessCacheOptions = DEFAULT_SESSION_CACHE,
    private readonly now: () => number = Date.now,
  ) {}

  get(sessionId: string, userId: number): Promise<SessionAccess> {
    if (this.options.ttlMs <= 0) return this.sessions.findAccess(sessionId, userId);
    const now = this.now();
    const cached = this.entries.get(sessionId);
    if (cached && cached.userId === userId && cached.expiresAt > now) return cached.access;
    // Re-inserting moves the key to the end of the map's order, which eviction relies on.
    if (cached) this.entries.delete(sessionId);

    // Concurrent misses share one query; a failed query is not remembered.
    const access = this.sessions.findAccess(sessionId, userId);
    const entry: Entry = { userId, expiresAt: now + this.options.ttlMs, access };
    access.catch(() => {
      if (this.entries.get(sessionId) === entry) this.entries.delete(sessionId);
    });
    this.entries.set(sessionId, entry);
    if (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return access;
  }

  /** Drops what this process knows about a session, e.g. right after revoking it. */
  forget(sessionId: string): void {
    this.entries.delete(sessionId);
  }
}
