import { randomUUID } from "node:crypto";
import { type JobRunStart, JobRunsRepository } from "@learning-hub/db/repositories/job-runs";
import { createTestEnvironment, type TestEnvironment } from "@learning-hub/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

let env: TestEnvironment;
let runs: JobRunsRepository;

beforeAll(async () => {
  env = await createTestEnvironment();
  runs = new JobRunsRepository(env.database.db);
});
afterAll(() => env?.dispose());
beforeEach(() => env.database.sql`delete from job_runs`);

const at = (iso: string) => new Date(iso);

function run(overrides: Partial<JobRunStart> = {}): JobRunStart {
  return {
    id: randomUUID(),
    queue: "thumbnails",
    jobName: "generate_thumbnail",
    jobId: `thumbnail-${Math.floor(Math.random() * 1e9)}`,
    schedulerId: null,
    materialId: null,
    attempt: 1,
    startedAt: at("2026-03-01T10:00:00Z"),
    ...overrides,
  };
}

describe("JobRunsRepository", () => {
  it("records an attempt as running, then how it ended", async () => {
    const started = run({ materialId: 7 });
    await runs.start(started);
    expect(await runs.find(started.id)).toMatchObject({ outcome: "running", finishedAt: null, materialId: 7 });

    const finished = await runs.finish(started, {
      outcome: "completed",
      finishedAt: at("2026-03-01T10:00:02.5Z"),
      durationMs: 2500,
      error: null,
      summary: { kind: "video", output_bytes: 12345 },
    });
    expect(finished).toBe(true);
    expect(await runs.find(started.id)).toMatchObject({
      outcome: "completed",
      durationMs: 2500,
      summary: { kind: "video", output_bytes: 12345 },
      finishedAt: at("2026-03-01T10:00:02.5Z"),
    });
    // A second finish (or one for a row never started) changes nothing.
    expect(
      await runs.finish(started, {
        outcome: "failed",
        finishedAt: new Date(),
        durationMs: 1,
        error: "late",
        summary: null,
      }),
    ).toBe(false);
    expect(await runs.find(started.id)).toMatchObject({ outcome: "completed", error: null });
  });

  it("records an attempt whose start was never recorded when it finishes", async () => {
    const unrecorded = run({ materialId: 9 });
    const result = { outcome: "failed" as const, finishedAt: new Date(), durationMs: 12, error: "boom", summary: null };
    expect(await runs.finish(unrecorded, result)).toBe(true);
    expect(await runs.find(unrecorded.id)).toMatchObject({
      outcome: "failed",
      materialId: 9,
      error: "boom",
      attempt: 1,
    });
  });

  it("marks the running attempt of a job interrupted when the job is taken over", async () => {
    const first = run({ jobId: "thumbnail-1", startedAt: at("2026-03-01T10:00:00Z") });
    const other = run({ jobId: "thumbnail-2" });
    await runs.start(first);
    await runs.start(other);
    const retaken = run({ jobId: "thumbnail-1", startedAt: at("2026-03-01T10:00:30Z") });
    await runs.start(retaken);

    expect(await runs.find(first.id)).toMatchObject({
      outcome: "interrupted",
      finishedAt: at("2026-03-01T10:00:30Z"),
      durationMs: 30_000,
    });
    expect(await runs.find(retaken.id)).toMatchObject({ outcome: "running" });
    expect(await runs.find(other.id)).toMatchObject({ outcome: "running" });
    // The interrupted attempt's late finish does not overwrite it.
    expect(
      await runs.finish(first, {
        outcome: "completed",
        finishedAt: new Date(),
        durationMs: 1,
        error: null,
        summary: null,
      }),
    ).toBe(false);
  });

  it("lists newest first with every filter, pages without repeats and counts the total", async () => {
    const rows = [];
    for (let i = 0; i < 7; i++) {
      const row = run({
        queue: i % 2 ? "maintenance" : "thumbnails",
        jobName: i % 2 ? "cleanup_stale_records" : "generate_thumbnail",
        schedulerId: i % 2 ? "cleanup_job" : null,
        materialId: i % 2 ? null : 100 + i,
        // Two rows share a start time: the id breaks the tie.
        startedAt: at(`2026-03-01T10:0${Math.min(i, 5)}:00Z`),
      });
      await runs.start(row);
      rows.push(row);
    }
    const failed = rows[2];
    if (!failed) throw new Error("missing row");
    await runs.finish(failed, {
      outcome: "failed",
      finishedAt: new Date(),
      durationMs: 5,
      error: "boom",
      summary: null,
    });

    const all = await runs.list({}, 1, 100);
    expect(all.total).toBe(7);
    const starts = all.items.map((r) => r.startedAt.getTime());
    expect(starts).toEqual([...starts].sort((a, b) => b - a));

    const paged = [];
    for (let page = 1; page <= 3; page++) {
      const result = await runs.list({}, page, 3);
      expect(result.total).toBe(7);
      paged.push(...result.items.map((r) => r.id));
    }
    expect(paged).toEqual(all.items.map((r) => r.id));

    expect((await runs.list({ queue: "maintenance" }, 1, 100)).total).toBe(3);
    expect((await runs.list({ jobName: "generate_thumbnail" }, 1, 100)).total).toBe(4);
    expect((await runs.list({ schedulerId: "cleanup_job" }, 1, 100)).total).toBe(3);
    expect((await runs.list({ materialId: 102 }, 1, 100)).items.map((r) => r.id)).toEqual([failed.id]);
    expect((await runs.list({ outcome: "failed" }, 1, 100)).items).toMatchObject([{ id: failed.id, error: "boom" }]);
    expect(await runs.list({ queue: "thumbnails", outcome: "completed" }, 1, 100)).toEqual({ items: [], total: 0 });
    expect((await runs.list({}, 5, 3)).items).toEqual([]);
  });

  it("finds the latest run of each schedule", async () => {
    const old = run({ schedulerId: "cleanup_job", startedAt: at("2026-03-01T09:00:00Z") });
    const latest = run({ schedulerId: "cleanup_job", startedAt: at("2026-03-01T10:00:00Z") });
    const prune = run({ schedulerId: "prune_sessions", startedAt: at("2026-03-01T08:00:00Z") });
    for (const row of [old, latest, prune, run()]) await runs.start(row);

    const found = await runs.latestBySchedule(["cleanup_job", "prune_sessions", "never_ran"]);
    expect([...found.keys()].sort()).toEqual(["cleanup_job", "prune_sessions"]);
    expect(found.get("cleanup_job")?.id).toBe(latest.id);
    expect(found.get("prune_sessions")?.id).toBe(prune.id);
    expect(await runs.latestBySchedule([])).toEqual(new Map());
  });

  it("deletes runs started before a cutoff, in batches, and keeps the rest", async () => {
    const old = [];
    for (let i = 0; i < 7; i++) {
      const row = run({ startedAt: at(`2026-01-0${i + 1}T00:00:00Z`) });
      await runs.start(row);
      old.push(row);
    }
    const kept = run({ startedAt: at("2026-02-01T00:00:00Z") });
    await runs.start(kept);

    expect(await runs.deleteStartedBefore(at("2026-02-01T00:00:00Z"), 3)).toBe(7);
    expect((await runs.list({}, 1, 100)).items.map((r) => r.id)).toEqual([kept.id]);
    expect(await runs.deleteStartedBefore(at("2026-02-01T00:00:00Z"), 3)).toBe(0);
  });

  it.each([
    ["material_id = 5", "job_runs_material_started_idx"],
    ["scheduler_id = 'cleanup_job'", "job_runs_scheduler_started_idx"],
    ["queue = 'thumbnails' and job_name = 'generate_thumbnail'", "job_runs_queue_name_started_idx"],
    ["outcome = 'failed'", "job_runs_outcome_started_idx"],
    ["started_at < now()", "job_runs_started_idx"],
  ])("has an index for %s", async (predicate, index) => {
    const plan = await env.database.sql.begin(async (tx) => {
      await tx`set local enable_seqscan = off`;
      return tx.unsafe(`explain select id from job_runs where ${predicate} order by started_at desc limit 20`);
    });
    expect(plan.map((row) => Object.values(row)[0]).join("\n")).toContain(index);
  });
});
