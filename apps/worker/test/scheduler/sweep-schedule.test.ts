import { afterAll, beforeAll, expect, it } from "vitest";
import type { ScheduleReconciler } from "../../src/scheduler/schedule-reconciler";
import { createWorkerHarness, type WorkerHarness } from "../support/worker-harness";

/** The sweep, seeded with its default cron from the registry. */
const SWEEP_SCHEDULER_ID = "sweep_pending_thumbnails";

let harness: WorkerHarness;
let reconciler: ScheduleReconciler;

beforeAll(async () => {
  // An hour between periodic reconciles: only the explicit ones below run.
  harness = await createWorkerHarness({ SCHEDULER_RECONCILE_SECONDS: "3600" });
  // Schedules only: nothing consumes, so the sweep's next job stays where BullMQ put it.
  const worker = harness.build();
  await worker.start({ queues: [] });
  if (!worker.scheduler) throw new Error("the worker started without its schedules");
  reconciler = worker.scheduler;
});
afterAll(async () => {
  await harness.close();
});

it("brings the pending-thumbnail sweep back after Redis lost it, without moving an existing schedule", async () => {
  const { maintenance } = harness.queues;
  const first = await maintenance.getJobScheduler(SWEEP_SCHEDULER_ID);
  expect(first?.pattern).toBe("*/5 * * * *");

  await reconciler.reconcile();
  expect((await maintenance.getJobScheduler(SWEEP_SCHEDULER_ID))?.next).toBe(first?.next);

  // What a flushed Redis leaves: no scheduler.
  await maintenance.removeJobScheduler(SWEEP_SCHEDULER_ID);
  expect(await maintenance.getJobScheduler(SWEEP_SCHEDULER_ID)).toBeFalsy();

  await reconciler.reconcile();
  expect((await maintenance.getJobScheduler(SWEEP_SCHEDULER_ID))?.pattern).toBe(first?.pattern);
});
