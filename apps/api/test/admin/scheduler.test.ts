import { scheduledJobs } from "@learning-hub/db";
import { CLEANUP_SCHEDULER_ID, SCHEDULES, schedulerChangedChannel } from "@learning-hub/queue";
import type { Job } from "bullmq";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestApp, type TestApp } from "../support/app";
import { bearer, makeAdmin, registerUser } from "../support/auth";
import { flushPrefix, type InProcessWorker, startWorker } from "../support/worker";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ISO_SECOND = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const WITHIN_10S = { timeout: 10_000, interval: 50 };

interface Admin {
  t: TestApp;
  token: string;
  workers: InProcessWorker[];
}

async function adminApp(env: Record<string, string>): Promise<Admin> {
  const t = await createTestApp({ env });
  const admin = await registerUser(t.app);
  await makeAdmin(t, admin.id);
  return { t, token: admin.accessToken, workers: [] };
}

async function call(a: Admin, method: "GET" | "POST", path: string) {
  return a.t.app.inject({ method, url: `/api/v1/admin${path}`, headers: bearer(a.token) });
}

interface ScheduledJobStatus {
  id: string;
  name: string;
  next_run_time: string | null;
}

async function status(a: Admin) {
  const response = await call(a, "GET", "/scheduler/status");
  expect(response.statusCode).toBe(200);
  return response.json() as { running: boolean; jobs: ScheduledJobStatus[] };
}

/** The cleanup job's entry of the status (every schedule of the registry has one). */
async function cleanupStatus(a: Admin): Promise<{ running: boolean; job: ScheduledJobStatus | undefined }> {
  const current = await status(a);
  return { running: current.running, job: current.jobs.find((job) => job.id === CLEANUP_SCHEDULER_ID) };
}

const nextRunTime = async (a: Admin) => (await cleanupStatus(a)).job?.next_run_time;
const scheduler = (a: Admin) => a.t.queues.maintenance.getJobScheduler(CLEANUP_SCHEDULER_ID);

async function start(a: Admin): Promise<InProcessWorker> {
  const worker = await startWorker(a.t);
  a.workers.push(worker);
  return worker;
}

async function stop(a: Admin, worker: InProcessWorker): Promise<void> {
  await worker.close();
  a.workers.splice(a.workers.indexOf(worker), 1);
}

/** Ids of the scheduled cleanup runs this worker completes from now on. */
function recordRuns(worker: InProcessWorker): string[] {
  const runs: string[] = [];
  worker.runtime.workers[0]?.on("completed", (job: Job) => {
    if (job.name === "cleanup_stale_records") runs.push(job.id ?? "");
  });
  return runs;
}

const startOfThisSecond = () => Math.floor(Date.now() / 1000) * 1000;

describe("scheduler on a one-second schedule", () => {
  let a: Admin;

  beforeAll(async () => {
    a = await adminApp({ CLEANUP_SCHEDULE: "* * * * * *", SCHEDULER_RECONCILE_SECONDS: "1" });
  });

  afterAll(async () => {
    for (const worker of [...a.workers]) await stop(a, worker);
    await a?.t.close();
  });

  it("reports no worker and nothing scheduled before a worker starts", async () => {
    const current = await status(a);
    expect(current.running).toBe(false);
    expect(current.jobs.map((job) => [job.id, job.name, job.next_run_time])).toEqual(
      SCHEDULES.map((definition) => [definition.id, definition.displayName, null]),
    );
  });

  it("schedules the job when a worker starts, and the job runs on its schedule", async () => {
    const worker = await start(a);
    const runs = recordRuns(worker);
    const current = await cleanupStatus(a);
    expect(current.running).toBe(true);
    const next = current.job?.next_run_time ?? "";
    expect(next).toMatch(ISO_SECOND);
    expect(Date.parse(next)).toBeGreaterThanOrEqual(startOfThisSecond());

    await vi.waitFor(() => expect(runs.length, "scheduled runs").toBeGreaterThanOrEqual(2), WITHIN_10S);
  });

  it("pause stops the runs, and they stay stopped across a worker restart", async () => {
    const pause = await call(a, "POST", "/scheduler/jobs/cleanup_job/pause");
    expect(pause.statusCode).toBe(200);
    expect(pause.json()).toEqual({
      success: true,
      message: "Job cleanup_job paused successfully",
      job_id: "cleanup_job",
    });
    expect(await nextRunTime(a)).toBeNull();
    expect(await scheduler(a)).toBeUndefined();
    expect(await a.t.queues.maintenance.getDelayedCount()).toBe(0);

    // Let a run that was already under way finish, then watch.
    await sleep(1_200);
    const [before] = a.workers;
    if (!before) throw new Error("no worker");
    const runsBefore = recordRuns(before);
    await sleep(2_500);
    expect(runsBefore).toEqual([]);

    // Restarted: reconciles from PostgreSQL at start-up and on every tick, and keeps it paused.
    await stop(a, before);
    const restarted = await start(a);
    const runsAfter = recordRuns(restarted);
    await sleep(2_500);
    expect(runsAfter).toEqual([]);
    expect(await scheduler(a)).toBeUndefined();
    expect(await cleanupStatus(a)).toMatchObject({ running: true, job: { next_run_time: null } });

    // Pausing a paused job is fine.
    const again = await call(a, "POST", "/scheduler/jobs/cleanup_job/pause");
    expect(again.statusCode).toBe(200);
  });

  it("resume brings back a future next run, and the job runs again", async () => {
    const [worker] = a.workers;
    if (!worker) throw new Error("no worker");
    const runs = recordRuns(worker);

    const resume = await call(a, "POST", "/scheduler/jobs/cleanup_job/resume");
    expect(resume.statusCode).toBe(200);
    expect(resume.json()).toEqual({
      success: true,
      message: "Job cleanup_job resumed successfully",
      job_id: "cleanup_job",
    });
    const next = (await nextRunTime(a)) ?? "";
    expect(next).toMatch(ISO_SECOND);
    expect(Date.parse(next)).toBeGreaterThanOrEqual(startOfThisSecond());
    await vi.waitFor(() => expect(runs.length, "runs after resuming").toBeGreaterThanOrEqual(1), WITHIN_10S);
  });

  it("comes back within seconds after Redis loses every key, without a restart", async () => {
    const [worker] = a.workers;
    if (!worker) throw new Error("no worker");
    expect(await flushPrefix(a.t)).toBeGreaterThan(0);
    expect(await scheduler(a)).toBeUndefined();
    const runs = recordRuns(worker);

    await vi.waitFor(async () => expect(await scheduler(a), "the recreated scheduler").toBeTruthy(), WITHIN_10S);
    expect(await nextRunTime(a)).toMatch(ISO_SECOND);
    await vi.waitFor(() => expect(runs.length, "runs after the flush").toBeGreaterThanOrEqual(1), WITHIN_10S);
  });

  it("answers 404 JOB_NOT_FOUND for an unknown job", async () => {
    for (const action of ["pause", "resume"]) {
      const response = await call(a, "POST", `/scheduler/jobs/no_such_job/${action}`);
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe("JOB_NOT_FOUND");
    }
  });
});

describe("scheduler on an hourly schedule", () => {
  let a: Admin;

  beforeAll(async () => {
    // An hour between ticks: only start-up, the API itself and the change signal can reconcile here.
    a = await adminApp({ CLEANUP_SCHEDULE: "0 * * * *", SCHEDULER_RECONCILE_SECONDS: "3600" });
  });

  afterEach(async () => {
    for (const worker of [...a.workers]) await stop(a, worker);
  });

  afterAll(async () => {
    await a?.t.close();
  });

  const nextHour = () => {
    const next = new Date();
    next.setUTCMinutes(0, 0, 0);
    next.setUTCHours(next.getUTCHours() + 1);
    return next.toISOString().replace(".000Z", "Z");
  };

  it("pauses and resumes without any worker running", async () => {
    const pause = await call(a, "POST", "/scheduler/jobs/cleanup_job/pause");
    expect(pause.statusCode).toBe(200);
    expect(await cleanupStatus(a)).toMatchObject({
      running: false,
      job: { id: "cleanup_job", name: "cleanup_stale_records", next_run_time: null },
    });
    const resume = await call(a, "POST", "/scheduler/jobs/cleanup_job/resume");
    expect(resume.statusCode).toBe(200);
    expect(await nextRunTime(a)).toBe(nextHour());
    expect((await scheduler(a))?.pattern).toBe("0 * * * *");
  });

  it("two workers starting together create one scheduler with one next job", async () => {
    await flushPrefix(a.t);
    // Reconciling the cleanup schedule only (see startWorker).
    await Promise.all([start(a), start(a)]);

    expect(await a.t.queues.maintenance.getJobSchedulersCount()).toBe(1);
    const delayed = await a.t.queues.maintenance.getDelayed();
    expect(delayed.map((job) => job.name)).toEqual(["cleanup_stale_records"]);
    expect(await cleanupStatus(a)).toMatchObject({ running: true, job: { next_run_time: nextHour() } });

    // Reconciling again from both at once changes nothing.
    const [first, second] = a.workers;
    await Promise.all([first?.scheduler?.reconcile(), second?.scheduler?.reconcile()]);
    const after = await a.t.queues.maintenance.getDelayed();
    expect(after.map((job) => job.id)).toEqual(delayed.map((job) => job.id));
  });

  it("workers apply a change announced on the channel at once", async () => {
    await start(a);
    expect(await scheduler(a)).toBeDefined();
    // Another API process paused it in PostgreSQL but could not reach BullMQ itself; it announces the change.
    await a.t.env.database.db
      .update(scheduledJobs)
      .set({ paused: true })
      .where(eq(scheduledJobs.id, CLEANUP_SCHEDULER_ID));
    await a.t.redis.publish(schedulerChangedChannel(a.t.env.config.redis.prefix), CLEANUP_SCHEDULER_ID);

    await vi.waitFor(async () => expect(await scheduler(a), "the removed scheduler").toBeFalsy(), {
      timeout: 5_000,
      interval: 50,
    });
    expect(await nextRunTime(a)).toBeNull();
  });
});
