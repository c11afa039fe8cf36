import { materials } from "@learning-hub/db";
import { Priority, thumbnailJobId } from "@learning-hub/queue";
import { createStorage } from "@learning-hub/storage";
import type { Job } from "bullmq";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { WorkerRuntime } from "../../src/jobs/runtime";
import { fixturePath } from "../media/helpers";
import { throttledProxy } from "../support/throttled-proxy";
import {
  createMaterial,
  createWorkerHarness,
  readMaterial,
  type WorkerHarness,
  waitForThumbnailJob,
} from "../support/worker-harness";

let harness: WorkerHarness;
let runtime: WorkerRuntime | undefined;

const pdf = () =>
  createMaterial(harness.env, { type: "pdf", fileFormat: "pdf", file: fixturePath("handout-5-pages.pdf") });

beforeAll(async () => {
  harness = await createWorkerHarness({
    THUMBNAIL_CONCURRENCY: "1",
    THUMBNAIL_ATTEMPTS: "2",
    THUMBNAIL_BACKOFF_MS: "50",
    // Short locks, so a render that outlived its lock without renewals would be declared stalled.
    THUMBNAIL_LOCK_DURATION_MS: "2000",
    THUMBNAIL_STALLED_INTERVAL_MS: "1000",
  });
});

afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
});

afterAll(async () => {
  await harness?.close();
});

describe("thumbnail queueing", () => {
  it("runs an upload's job before a backlog of backfill jobs queued earlier", async () => {
    const backlog = await Promise.all(Array.from({ length: 8 }, pdf));
    for (const material of backlog) await harness.queues.enqueueThumbnail(material.id, Priority.backfill);
    const upload = await pdf();
    await harness.queues.enqueueThumbnail(upload.id, Priority.upload);

    const started: string[] = [];
    runtime = await harness.start();
    runtime.workers[0]?.on("active", (job: Job) => started.push(job.id ?? ""));
    for (const material of [upload, ...backlog]) await waitForThumbnailJob(harness.queues, material.id);

    expect(started).toHaveLength(9);
    expect(started[0]).toBe(thumbnailJobId(upload.id));
  });

  it("does not declare a render that outlives its lock many times stalled", async () => {
    const proxy = throttledProxy(harness.env.config.storage.endpoint, 80_000);
    await proxy.start();
    try {
      const material = await createMaterial(harness.env, {
        type: "video",
        fileFormat: "mp4",
        file: fixturePath("sample-720p.mp4"),
      });
      const slowStorage = createStorage({ ...harness.env.config.storage, endpoint: proxy.url });
      runtime = await harness.start({ deps: { storage: slowStorage } });
      const stalled: string[] = [];
      runtime.workers[0]?.on("stalled", (jobId: string) => stalled.push(jobId));
      const started = Date.now();
      await harness.queues.enqueueThumbnail(material.id);
      const job = await waitForThumbnailJob(harness.queues, material.id, 60_000);

      expect(Date.now() - started).toBeGreaterThan(3 * 2000);
      expect(await job.getState()).toBe("completed");
      expect(job.attemptsMade).toBe(1);
      expect(stalled).toEqual([]);
      expect((await readMaterial(harness.env, material.id)).thumbnailStatus).toBe("completed");
    } finally {
      await proxy.stop();
    }
  }, 90_000);

  it("sweeps pending materials that have no live job back into the queue at backfill priority", async () => {
    const tenMinutes = 600;
    const orphan = await createMaterial(harness.env, {
      type: "pdf",
      fileFormat: "pdf",
      file: fixturePath("handout-5-pages.pdf"),
      ageSeconds: tenMinutes,
    });
    // Its job failed for good while the row was not ready, and is kept: the sweep must replace it.
    const afterFailedJob = await createMaterial(harness.env, {
      type: "pdf",
      fileFormat: "pdf",
      file: fixturePath("handout-5-pages.pdf"),
      status: "processing",
    });
    await harness.queues.enqueueThumbnail(afterFailedJob.id);
    runtime = await harness.start();
    const failedJob = await waitForThumbnailJob(harness.queues, afterFailedJob.id);
    expect(await failedJob.getState()).toBe("failed");
    await runtime.close();
    runtime = undefined;
    await harness.env.database.db
      .update(materials)
      .set({ status: "active", activatedAt: new Date(Date.now() - tenMinutes * 1000) })
      .where(eq(materials.id, afterFailedJob.id));

    const queued = await createMaterial(harness.env, { type: "pdf", fileFormat: "pdf", ageSeconds: tenMinutes });
    await harness.queues.enqueueThumbnail(queued.id);
    const recent = await pdf();
    const hidden = await createMaterial(harness.env, {
      type: "pdf",
      fileFormat: "pdf",
      status: "hidden",
      ageSeconds: tenMinutes,
    });

    runtime = await harness.start({ queues: ["maintenance"] });
    const sweep = await harness.queues.maintenance.add("sweep_pending_thumbnails", {});
    const finished = await vi.waitFor(
      async () => {
        if (!(await sweep.isCompleted())) throw new Error("the sweep has not completed");
        return true;
      },
      { timeout: 30_000, interval: 50 },
    );
    expect(finished).toBe(true);
    expect((await harness.queues.maintenance.getJob(sweep.id ?? ""))?.returnvalue).toEqual({
      enqueued: 2,
      preparationsEnqueued: 0,
    });

    const jobOf = (id: number) => harness.queues.thumbnails.getJob(thumbnailJobId(id));
    expect((await jobOf(orphan.id))?.opts.priority).toBe(Priority.backfill);
    expect(await (await jobOf(afterFailedJob.id))?.getState()).toBe("prioritized");
    expect((await jobOf(queued.id))?.opts.priority).toBe(Priority.upload);
    expect(await jobOf(recent.id)).toBeUndefined();
    expect(await jobOf(hidden.id)).toBeUndefined();

    await runtime.close();
    runtime = await harness.start();
    for (const material of [orphan, afterFailedJob]) {
      expect(await (await waitForThumbnailJob(harness.queues, material.id)).getState()).toBe("completed");
      expect((await readMaterial(harness.env, material.id)).thumbnailStatus).toBe("completed");
    }
  });
});
