import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { authSessions, materials, scheduledJobs } from "@learning-hub/db";
import { CLEANUP_SCHEDULER_ID, SCHEDULES, schedulerChangedChannel } from "@learning-hub/queue";
import { configEnvironment } from "@learning-hub/testing";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { WorkerProcess } from "../../../worker/test/support/worker-process";
import { createTestApp, type TestApp } from "../support/app";
import { bearer, makeAdmin, type RegisteredUser, registerUser } from "../support/auth";
import { flushPrefix } from "../support/worker";

const CLI = fileURLToPath(new URL("../../src/cli/user-admin.ts", import.meta.url));
const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const WITHIN_20S = { timeout: 20_000, interval: 100 };
const SLOW = { timeout: 90_000 };

let t: TestApp;
let admin: RegisteredUser;
let workers: WorkerProcess[] = [];

/** Two worker processes (`apps/worker/src/main.ts`), reconciling every second. */
async function startWorkers(): Promise<void> {
  const env = {
    ...configEnvironment(t.env.config),
    SCHEDULER_RECONCILE_SECONDS: "1",
    THUMBNAIL_ATTEMPTS: "1",
    WORKER_METRICS_PORT: "0",
  };
  workers = [new WorkerProcess(env), new WorkerProcess(env)];
  await Promise.all(workers.map((worker) => worker.waitForLog((line) => line.msg === "worker started", 60_000)));
}

async function stopWorkers(): Promise<void> {
  await Promise.all(workers.map((worker) => worker.stop()));
  workers = [];
}

function api(method: "GET" | "POST" | "PATCH", path: string, body?: object, token = admin.accessToken) {
  return t.app.inject({ method, url: `/api/v1/admin${path}`, headers: bearer(token), payload: body });
}

interface Run {
  id: string;
  job_id: string;
  name: string;
  scheduler_id: string | null;
  material_id: number | null;
  outcome: string;
  error: string | null;
  summary: Record<string, unknown> | null;
}

async function runsOf(jobId: string): Promise<Run[]> {
  const response = await api("GET", `/scheduler/jobs/${jobId}/runs?page_size=100`);
  expect(response.statusCode).toBe(200);
  return response.json().items;
}

const cleanupScheduler = () => t.queues.maintenance.getJobScheduler(CLEANUP_SCHEDULER_ID);
const cleanupRow = async () =>
  (await t.env.database.db.select().from(scheduledJobs).where(eq(scheduledJobs.id, CLEANUP_SCHEDULER_ID)))[0];

async function cleanupStatus() {
  const response = await api("GET", "/scheduler/status");
  expect(response.statusCode).toBe(200);
  return response.json().jobs.find((job: { id: string }) => job.id === CLEANUP_SCHEDULER_ID);
}

/** An active material whose file is not in storage: its thumbnail job fails. */
async function brokenMaterial(): Promise<number> {
  const [row] = await t.env.database.db
    .insert(materials)
    .values({
      title: "Broken",
      type: "video",
      filePath: `materials/${admin.id}/missing-${randomUUID()}.mp4`,
      fileFormat: "mp4",
      uploaderId: admin.id,
      status: "active",
    })
    .returning({ id: materials.id });
  if (!row) throw new Error("no row");
  return row.id;
}

beforeAll(async () => {
  // One attempt per thumbnail job (the producer sets attempts), so a failure is final at once.
  t = await createTestApp({ env: { CLEANUP_SCHEDULE: "0 * * * *", THUMBNAIL_ATTEMPTS: "1" } });
  admin = await registerUser(t.app);
  await makeAdmin(t, admin.id);
  await startWorkers();
}, 120_000);

afterAll(async () => {
  await stopWorkers();
  await t?.close();
});

describe("scheduled jobs through HTTP with two worker processes", () => {
  it("lists every schedule of the registry with its cron, paused flag and last run", async () => {
    const response = await api("GET", "/scheduler/status");
    expect(response.statusCode).toBe(200);
    const { running, jobs } = response.json();
    expect(running).toBe(true);
    expect(jobs.map((job: { id: string }) => job.id)).toEqual(SCHEDULES.map((definition) => definition.id));
    expect(jobs[0]).toMatchObject({ id: "cleanup_job", cron: "0 * * * *", paused: false, last_run: null });
  });

  it("refuses bad crons with the parser's reason, schedules more often than once a minute, and unknown jobs", async () => {
    const bad = await api("PATCH", "/scheduler/jobs/cleanup_job", { cron: "61 * * * *" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({
      code: "VALIDATION_ERROR",
      details: { fields: [{ field: "cron", reason: "Constraint error, got value 61 expected range 0-59" }] },
    });
    const often = await api("PATCH", "/scheduler/jobs/cleanup_job", { cron: "*/30 * * * * *" });
    expect(often.statusCode).toBe(400);
    expect(often.json().error.message).toContain("more often than once a minute");
    expect((await api("PATCH", "/scheduler/jobs/cleanup_job", {})).statusCode).toBe(400);
    const unknown = await api("PATCH", "/scheduler/jobs/nope", { cron: "* * * * *" });
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, "JOB_NOT_FOUND"]);
    expect((await cleanupRow())?.schedule).toBe("0 * * * *");
  });

  it("edits cleanup_job to every minute: next five runs, stored, applied to BullMQ at once", async () => {
    const response = await api("PATCH", "/scheduler/jobs/cleanup_job", { cron: "* * * * *" });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ id: "cleanup_job", name: "cleanup_stale_records", cron: "* * * * *", paused: false });
    const next = body.next_runs.map((time: string) => Date.parse(time));
    expect(next).toHaveLength(5);
    for (let i = 1; i < 5; i++) expect(next[i] - next[i - 1]).toBe(60_000);
    expect(next[0]).toBeGreaterThan(Date.now() - 1_000);
    expect((await cleanupRow())?.schedule).toBe("* * * * *");
    expect((await cleanupScheduler())?.pattern).toBe("* * * * *");
    expect((await cleanupStatus()).cron).toBe("* * * * *");
  });

  it(
    "runs on the stored schedule and records each run (a shorter test cron, written to PostgreSQL)",
    SLOW,
    async () => {
      // Every 2 s: shorter than the API allows, so written as another process would, then announced.
      await t.env.database.db
        .update(scheduledJobs)
        .set({ schedule: "*/2 * * * * *" })
        .where(eq(scheduledJobs.id, CLEANUP_SCHEDULER_ID));
      await t.redis.publish(schedulerChangedChannel(t.env.config.redis.prefix), CLEANUP_SCHEDULER_ID);
      await vi.waitFor(async () => expect((await cleanupScheduler())?.pattern).toBe("*/2 * * * * *"), WITHIN_20S);
      await vi.waitFor(async () => {
        const completed = (await runsOf(CLEANUP_SCHEDULER_ID)).filter((run) => run.outcome === "completed");
        expect(completed.length).toBeGreaterThanOrEqual(2);
      }, WITHIN_20S);
      const [latest] = (await runsOf(CLEANUP_SCHEDULER_ID)).filter((run) => run.outcome === "completed");
      expect(latest).toMatchObject({ name: "cleanup_stale_records", scheduler_id: "cleanup_job" });
      expect(latest?.summary).toMatchObject({ records_cleaned: expect.any(Number), files_cleaned: expect.any(Number) });
      expect((await cleanupStatus()).last_run).toMatchObject({ outcome: expect.any(String) });
    },
  );

  it("ends two concurrent edits in one consistent state, in PostgreSQL and in BullMQ", async () => {
    const [first, second] = await Promise.all([
      api("PATCH", "/scheduler/jobs/cleanup_job", { cron: "5 * * * *" }),
      api("PATCH", "/scheduler/jobs/cleanup_job", { cron: "10 * * * *" }),
    ]);
    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    const stored = (await cleanupRow())?.schedule;
    expect(["5 * * * *", "10 * * * *"]).toContain(stored);
    expect((await cleanupScheduler())?.pattern).toBe(stored);
    // And it stays so once every worker has reconciled.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect((await cleanupScheduler())?.pattern).toBe(stored);
  });

  it("stays paused with the edited cron across a restart of both workers and a Redis flush", SLOW, async () => {
    expect((await api("PATCH", "/scheduler/jobs/cleanup_job", { cron: "*/15 * * * *" })).statusCode).toBe(200);
    expect((await api("POST", "/scheduler/jobs/cleanup_job/pause")).statusCode).toBe(200);
    await stopWorkers();
    expect(await flushPrefix(t)).toBeGreaterThan(0);
    await startWorkers();
    // The other schedules come back; the paused one does not.
    await vi.waitFor(
      async () => expect(await t.queues.maintenance.getJobScheduler("prune_job_runs")).toBeTruthy(),
      WITHIN_20S,
    );
    expect(await cleanupScheduler()).toBeFalsy();
    expect(await cleanupStatus()).toMatchObject({ cron: "*/15 * * * *", paused: true, next_run_time: null });

    expect((await api("POST", "/scheduler/jobs/cleanup_job/resume")).statusCode).toBe(200);
    expect((await cleanupScheduler())?.pattern).toBe("*/15 * * * *");
  });

  it("runs a job now: 202 with its run id, 409 JOB_ALREADY_RUNNING for a second request meanwhile", async () => {
    const [first, second] = await Promise.all([
      api("POST", "/scheduler/jobs/cleanup_job/run"),
      api("POST", "/scheduler/jobs/cleanup_job/run"),
    ]);
    const statuses = [first.statusCode, second.statusCode].sort();
    expect(statuses).toEqual([202, 409]);
    const accepted = first.statusCode === 202 ? first : second;
    const refused = first.statusCode === 202 ? second : first;
    const runId = accepted.json().run_id;
    expect(refused.json().error).toMatchObject({ code: "JOB_ALREADY_RUNNING", details: { run_id: runId } });
    await vi.waitFor(async () => {
      const run = (await runsOf(CLEANUP_SCHEDULER_ID)).find((row) => row.job_id === runId);
      expect(run?.outcome).toBe("completed");
    }, WITHIN_20S);
    // Finished: another run is accepted.
    expect((await api("POST", "/scheduler/jobs/cleanup_job/run")).statusCode).toBe(202);
  });

  it("prunes expired sessions with its job", async () => {
    const { db } = t.env.database;
    const expired = [randomUUID(), randomUUID()];
    for (const id of expired) {
      await db.insert(authSessions).values({
        id,
        userId: admin.id,
        refreshJti: randomUUID(),
        expiresAt: new Date(Date.now() - 60_000),
      });
    }
    const run = await api("POST", "/scheduler/jobs/prune_expired_sessions/run");
    expect(run.statusCode).toBe(202);
    await vi.waitFor(async () => {
      const [latest] = await runsOf("prune_expired_sessions");
      expect(latest).toMatchObject({ job_id: run.json().run_id, outcome: "completed" });
      expect(latest?.summary).toEqual({ deleted_sessions: 2 });
    }, WITHIN_20S);
    const left = await db.select({ id: authSessions.id }).from(authSessions);
    expect(left.map((row) => row.id)).not.toEqual(expect.arrayContaining(expired));
    // The admin's own session is live and stays.
    expect((await api("GET", "/scheduler/status")).statusCode).toBe(200);
  });
});

describe("run history, queue controls, dry run and audit", () => {
  let failedMaterial: number;

  it("records a failing run with its error, filterable by outcome and material", SLOW, async () => {
    failedMaterial = await brokenMaterial();
    await t.queues.enqueueThumbnail(failedMaterial);
    await vi.waitFor(async () => {
      const response = await api("GET", `/jobs?outcome=failed&material_id=${failedMaterial}`);
      expect(response.statusCode).toBe(200);
      const [run] = response.json().items;
      expect(run).toMatchObject({ queue: "thumbnails", name: "generate_thumbnail", attempt: 1, outcome: "failed" });
      expect(run.error).toBeTruthy();
      expect(run.duration_ms).toBeGreaterThanOrEqual(0);
    }, WITHIN_20S);
    const bad = await api("GET", "/jobs?outcome=exploded");
    expect([bad.statusCode, bad.json().error.code]).toEqual([400, "VALIDATION_ERROR"]);
    const retry = await api("POST", `/jobs/thumbnails/thumbnail-${failedMaterial}/retry`);
    expect(retry.statusCode).toBe(200);
  });

  it("pausing the thumbnail queue stops its jobs until it is resumed", SLOW, async () => {
    const paused = await api("PATCH", "/queues/thumbnails", { paused: true, concurrency: 1 });
    expect(paused.statusCode).toBe(200);
    expect(paused.json()).toMatchObject({ name: "thumbnails", paused: true, concurrency: 1 });
    expect(await t.queues.thumbnails.getGlobalConcurrency()).toBe(1);
    const list = (await api("GET", "/queues")).json().queues;
    expect(list.map((queue: { name: string }) => queue.name).sort()).toEqual(["maintenance", "media", "thumbnails"]);
    expect(list.find((queue: { name: string }) => queue.name === "thumbnails").workers).toBeGreaterThanOrEqual(2);

    const material = await brokenMaterial();
    await t.queues.enqueueThumbnail(material);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect((await api("GET", `/jobs?material_id=${material}`)).json().total).toBe(0);

    expect((await api("PATCH", "/queues/thumbnails", { paused: false, concurrency: null })).statusCode).toBe(200);
    await vi.waitFor(
      async () => expect((await api("GET", `/jobs?material_id=${material}`)).json().total).toBe(1),
      WITHIN_20S,
    );
    const refused = await api("PATCH", "/queues/thumbnails", {});
    expect(refused.statusCode).toBe(400);
  });

  it("dry run removes nothing and lists what a real run then removes", SLOW, async () => {
    const { db } = t.env.database;
    const key = `materials/${admin.id}/stale-${randomUUID()}.mp4`;
    await t.env.storage.putBuffer(key, Buffer.from("stale"), "video/mp4");
    const [stale] = await db
      .insert(materials)
      .values({
        title: "Stale",
        type: "video",
        filePath: key,
        fileFormat: "mp4",
        uploaderId: admin.id,
        status: "processing",
        createdAt: sql`now() - interval '2 hours'`,
      })
      .returning({ id: materials.id });

    const dry = await api("POST", "/cleanup", { dry_run: true, cleanup_orphans: false });
    expect(dry.statusCode).toBe(200);
    expect(dry.json()).toMatchObject({
      success: true,
      cleaned_records: 0,
      cleaned_files: 0,
      would_clean: { records: { ids: [stale?.id], total: 1 }, files: { keys: [key], total: 1 } },
    });
    expect(await t.env.storage.exists(key)).toBe(true);
    expect(
      await db
        .select()
        .from(materials)
        .where(eq(materials.id, stale?.id ?? 0)),
    ).toHaveLength(1);

    const real = await api("POST", "/cleanup", { cleanup_orphans: false });
    expect(real.json()).toMatchObject({ cleaned_records: 1, cleaned_files: 1 });
    expect(real.json().would_clean).toBeUndefined();
    expect(await t.env.storage.exists(key)).toBe(false);
  });

  it(
    "audits every admin action with the admin's id and request id, and role changes made by user:admin",
    SLOW,
    async () => {
      const other = await registerUser(t.app);
      await new Promise<void>((resolve, reject) => {
        const { config } = t.env;
        execFile(
          process.execPath,
          ["--import", "tsx", CLI, other.email],
          {
            cwd: REPO_ROOT,
            env: {
              ...process.env,
              NODE_ENV: "test",
              DATABASE_URL: config.database.url,
              REDIS_URL: config.redis.url,
              S3_ENDPOINT: config.storage.endpoint,
            },
          },
          (error) => (error ? reject(error) : resolve()),
        );
      });
      const response = await api("GET", "/audit?page_size=100");
      expect(response.statusCode).toBe(200);
      const entries: Array<Record<string, unknown>> = response.json().items;
      const byAction = (action: string) => entries.filter((entry) => entry.action === action);
      for (const action of [
        "scheduler.edit",
        "scheduler.pause",
        "scheduler.resume",
        "scheduler.run",
        "job.retry",
        "queue.update",
        "cleanup.dry_run",
        "cleanup.run",
      ]) {
        expect(byAction(action).length, action).toBeGreaterThan(0);
        for (const entry of byAction(action)) {
          expect(entry).toMatchObject({ actor_id: admin.id, actor_source: "api", request_id: expect.any(String) });
        }
      }
      expect(byAction("scheduler.pause")[0]).toMatchObject({
        target_type: "scheduled_job",
        target_id: "cleanup_job",
        before: { paused: false },
        after: { paused: true },
      });
      expect(byAction("queue.update").at(-1)).toMatchObject({
        target_id: "thumbnails",
        before: { paused: false, concurrency: null },
        after: { paused: true, concurrency: 1 },
      });
      expect(byAction("user.grant_admin")).toMatchObject([
        {
          actor_id: null,
          actor_source: "cli",
          target_type: "user",
          target_id: String(other.id),
          before: { is_admin: false },
          after: { is_admin: true },
        },
      ]);
    },
  );

  it("keeps every new route admin-only: 401 without a token, 403 for a user", async () => {
    const user = await registerUser(t.app);
    const routes: Array<["GET" | "POST" | "PATCH", string, object?]> = [
      ["PATCH", "/scheduler/jobs/cleanup_job", { cron: "* * * * *" }],
      ["POST", "/scheduler/jobs/cleanup_job/run"],
      ["GET", "/scheduler/jobs/cleanup_job/runs"],
      ["GET", "/jobs"],
      ["GET", "/audit"],
      ["GET", "/queues"],
      ["PATCH", "/queues/thumbnails", { paused: true }],
    ];
    for (const [method, path, body] of routes) {
      const anonymous = await t.app.inject({ method, url: `/api/v1/admin${path}`, payload: body });
      expect([anonymous.statusCode, anonymous.json().error.code], path).toEqual([401, "UNAUTHORIZED"]);
      const forbidden = await api(method, path, body, user.accessToken);
      expect([forbidden.statusCode, forbidden.json().error.code], path).toEqual([403, "FORBIDDEN"]);
    }
    expect(await t.queues.thumbnails.isPaused()).toBe(false);
  });
});
