import { afterAll, beforeAll, expect, it } from "vitest";
import { ScheduleReconciler } from "../../src/scheduler/schedule-reconciler";
import { SWEEP_SCHEDULER_ID, scheduleThumbnailSweep } from "../../src/services/thumbnail-sweep";
import { createWorkerHarness, type WorkerHarness } from "../support/worker-harness";

let harness: WorkerHarness;
let reconciler: ScheduleReconciler;

beforeAll(async () => {
  // An hour between periodic reconciles: only the explicit ones below run.
  harness = await createWorkerHarness({ SCHEDULER_RECONCILE_SECONDS: "3600" });
  const { config, logger, database, queues, settings, connection } = harness.deps;
  reconciler = new ScheduleReconciler({
    config,
    logger,
    database,
    queues,
    settings,
    connection,
    fixedSchedules: {
      [SWEEP_SCHEDULER_ID]: () => scheduleThumbnailSweep(queues, settings.sweep_pending_thumbnails),
    },
  });
  await reconciler.start();
});
afterAll(async () => {
  await reconciler.close();
  await harness.close();
});

it("brings the pending-thumbnail sweep back after Redis lost it, without moving an existing schedule", async () => {
  const { maintenance } = harness.queues;
  const first = await maintenance.getJobScheduler(SWEEP_SCHEDULER_ID);
  expect(first?.every).toBeGreaterThan(0);

  await reconciler.reconcile();
  expect((await maintenance.getJobScheduler(SWEEP_SCHEDULER_ID))?.next).toBe(first?.next);

  // What a flushed Redis leaves: no scheduler.
  await maintenance.removeJobScheduler(SWEEP_SCHEDULER_ID);
  expect(await maintenance.getJobScheduler(SWEEP_SCHEDULER_ID)).toBeFalsy();

  await reconciler.reconcile();
  expect((await maintenance.getJobScheduler(SWEEP_SCHEDULER_ID))?.every).toBe(first?.every);
});
