import { randomUUID } from "node:crypto";
import { AuthSessionsRepository } from "@learning-hub/db/repositories/auth-sessions";
import { UsersRepository } from "@learning-hub/db/repositories/users";
import { createTestEnvironment, type TestEnvironment } from "@learning-hub/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let env: TestEnvironment;
let sessions: AuthSessionsRepository;
let userId: number;

beforeAll(async () => {
  env = await createTestEnvironment();
  sessions = new AuthSessionsRepository(env.database.db);
  const user = await new UsersRepository(env.database.db).create({
    email: "pruning@example.com",
    name: "Pruning",
    passwordHash: "not-a-real-hash",
  });
  if (!user) throw new Error("user not created");
  userId = user.id;
});
afterAll(() => env?.dispose());

async function session(expiresAt: Date): Promise<string> {
  const id = randomUUID();
  await sessions.create({ id, userId, refreshJti: randomUUID(), expiresAt });
  return id;
}

const remaining = async () => (await env.database.sql`select id from auth_sessions`).map((row) => row.id as string);

describe("AuthSessionsRepository.deleteExpired", () => {
  it("deletes sessions past their refresh expiry, revoked or not, in batches, and keeps live ones", async () => {
    const now = new Date("2026-03-01T12:00:00Z");
    const expired = [];
    for (let i = 1; i <= 5; i++) expired.push(await session(new Date(now.getTime() - i * 60_000)));
    const live = await session(new Date(now.getTime() + 60_000));
    const revokedButLive = await session(new Date(now.getTime() + 3_600_000));
    await sessions.revoke(revokedButLive, "logout");
    const revokedAndExpired = await session(new Date(now.getTime() - 1));
    await sessions.revoke(revokedAndExpired, "logout");

    expect(await sessions.deleteExpired(now, 2)).toBe(6);
    expect((await remaining()).sort()).toEqual([live, revokedButLive].sort());
    expect(await sessions.deleteExpired(now, 2)).toBe(0);
  });
});
