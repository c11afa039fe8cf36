import { type AuditEntry, AuditLogRepository } from "@learning-hub/db/repositories/audit-log";
import { createTestEnvironment, type TestEnvironment } from "@learning-hub/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let env: TestEnvironment;
let audit: AuditLogRepository;

beforeAll(async () => {
  env = await createTestEnvironment();
  audit = new AuditLogRepository(env.database.db);
});
afterAll(() => env?.dispose());

const entry = (overrides: Partial<AuditEntry> = {}): AuditEntry => ({
  actorId: 1,
  actorSource: "api",
  action: "scheduler.pause",
  targetType: "scheduled_job",
  targetId: "cleanup_job",
  before: { paused: false },
  after: { paused: true },
  requestId: "req-1",
  ...overrides,
});

describe("AuditLogRepository", () => {
  it("records entries and lists them newest first with filters, paging and totals", async () => {
    const first = await audit.record(entry());
    expect(first).toMatchObject({ ...entry(), id: expect.any(Number) });
    expect(first.createdAt).toBeInstanceOf(Date);
    await audit.record(
      entry({ actorId: 2, action: "scheduler.edit", before: { cron: "0 * * * *" }, after: { cron: "*/5 * * * *" } }),
    );
    await audit.record(
      entry({
        actorId: null,
        actorSource: "cli",
        action: "user.grant_admin",
        targetType: "user",
        targetId: "9",
        requestId: null,
      }),
    );
    await audit.record(entry({ actorId: 2, action: "queue.update", targetType: "queue", targetId: "thumbnails" }));

    const all = await audit.list({}, 1, 10);
    expect(all.total).toBe(4);
    expect(all.items.map((row) => row.action)).toEqual([
      "queue.update",
      "user.grant_admin",
      "scheduler.edit",
      "scheduler.pause",
    ]);
    const pages = [...(await audit.list({}, 1, 3)).items, ...(await audit.list({}, 2, 3)).items];
    expect(pages.map((row) => row.id)).toEqual(all.items.map((row) => row.id));

    expect((await audit.list({ actorId: 2 }, 1, 10)).total).toBe(2);
    expect((await audit.list({ action: "user.grant_admin" }, 1, 10)).items).toMatchObject([
      { actorId: null, actorSource: "cli", targetId: "9" },
    ]);
    expect((await audit.list({ targetType: "scheduled_job", targetId: "cleanup_job" }, 1, 10)).total).toBe(2);
    expect(await audit.list({ targetId: "nothing" }, 1, 10)).toEqual({ items: [], total: 0 });
  });
});
