import type { AuthSessionsRepository, SessionAccess } from "@learning-hub/db/repositories/auth-sessions";
import { describe, expect, it } from "vitest";
import { SessionAccessCache } from "../../src/services/session-access-cache";

const LIVE: SessionAccess = { user: { isActive: true, isAdmin: false }, sessionLive: true };
const REVOKED: SessionAccess = { user: { isActive: true, isAdmin: false }, sessionLive: false };

/** A stand-in for the one repository method the cache calls, counting queries (pure caching logic under test). */
function source(answers: Array<SessionAccess | Error>) {
  const calls: string[] = [];
  const repository = {
    async findAccess(sessionId: string, userId: number) {
      calls.push(`${sessionId}:${userId}`);
      const answer = answers[Math.min(calls.length - 1, answers.length - 1)];
      if (answer instanceof Error) throw answer;
      return answer as SessionAccess;
    },
  } as unknown as AuthSessionsRepository;
  return { repository, calls };
}

describe("SessionAccessCache", () => {
  it("reuses an answer for the TTL, then asks again", async () => {
    let now = 0;
    const { repository, calls } = source([LIVE, REVOKED]);
    const cache = new SessionAccessCache(repository, { ttlMs: 1000, maxEntries: 10 }, () => now);
    expect(await cache.get("s1", 1)).toEqual(LIVE);
    now = 999;
    expect(await cache.get("s1", 1)).toEqual(LIVE);
    expect(calls).toHaveLength(1);
    now = 1000;
    expect(await cache.get("s1", 1)).toEqual(REVOKED);
    expect(calls).toHaveLength(2);
  });

  it("shares one query between concurrent misses", async () => {
    const { repository, calls } = source([LIVE]);
    const cache = new SessionAccessCache(repository, { ttlMs: 1000, maxEntries: 10 }, () => 0);
    await Promise.all([cache.get("s1", 1), cache.get("s1", 1), cache.get("s1", 1)]);
    expect(calls).toHaveLength(1);
  });

  it("does not answer for another user id with the same session id", async () => {
    const { repository, calls } = source([LIVE, REVOKED]);
    const cache = new SessionAccessCache(repository, { ttlMs: 1000, maxEntries: 10 }, () => 0);
    await cache.get("s1", 1);
    expect(await cache.get("s1", 2)).toEqual(REVOKED);
    expect(calls).toEqual(["s1:1", "s1:2"]);
  });

  it("forget drops the answer at once", async () => {
    const { repository, calls } = source([LIVE, REVOKED]);
    const cache = new SessionAccessCache(repository, { ttlMs: 1000, maxEntries: 10 }, () => 0);
    await cache.get("s1", 1);
    cache.forget("s1");
    expect(await cache.get("s1", 1)).toEqual(REVOKED);
    expect(calls).toHaveLength(2);
  });

  it("does not remember a failed query", async () => {
    const { repository, calls } = source([new Error("connection lost"), LIVE]);
    const cache = new SessionAccessCache(repository, { ttlMs: 1000, maxEntries: 10 }, () => 0);
    await expect(cache.get("s1", 1)).rejects.toThrow("connection lost");
    expect(await cache.get("s1", 1)).toEqual(LIVE);
    expect(calls).toHaveLength(2);
  });

  it("keeps at most maxEntries, dropping the oldest", async () => {
    const { repository, calls } = source([LIVE]);
    const cache = new SessionAccessCache(repository, { ttlMs: 1000, maxEntries: 2 }, () => 0);
    await cache.get("a", 1);
    await cache.get("b", 1);
    await cache.get("c", 1);
    await cache.get("c", 1);
    await cache.get("b", 1);
    expect(calls).toEqual(["a:1", "b:1", "c:1"]);
    await cache.get("a", 1);
    expect(calls).toEqual(["a:1", "b:1", "c:1", "a:1"]);
  });

  it("with a TTL of 0 asks every time", async () => {
    const { repository, calls } = source([LIVE]);
    const cache = new SessionAccessCache(repository, { ttlMs: 0, maxEntries: 10 }, () => 0);
    await cache.get("s1", 1);
    await cache.get("s1", 1);
    expect(calls).toHaveLength(2);
  });
});
