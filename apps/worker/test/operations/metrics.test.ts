import { type MetricsServer, startMetricsServer } from "@learning-hub/metrics";
import { findSamples, sampleValue } from "@learning-hub/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { WorkerRuntime } from "../../src/jobs/runtime";
import type { LearningHubWorker } from "../../src/worker";
import { fixturePath } from "../media/helpers";
import {
  createMaterial,
  createWorkerHarness,
  type WorkerHarness,
  waitForThumbnailJob,
} from "../support/worker-harness";

const ATTEMPTS = 2;
let harness: WorkerHarness;
let worker: LearningHubWorker;
let runtime: WorkerRuntime;
let server: MetricsServer;

beforeAll(async () => {
  harness = await createWorkerHarness({ THUMBNAIL_ATTEMPTS: String(ATTEMPTS), THUMBNAIL_BACKOFF_MS: "50" });
  // The worker as main.ts starts it, consuming thumbnails only, with the pending-thumbnail sweep scheduled.
  worker = harness.build();
  runtime = await worker.start({ queues: ["thumbnails"], schedules: ["sweep_pending_thumbnails"] });
  server = await startMetricsServer({
    host: "127.0.0.1",
    port: 0,
    registry: worker.metrics.registry,
    health: () => worker.health(),
  });
});

afterAll(async () => {
  await server?.close();
  await runtime?.close();
  await harness?.close();
});

async function scrape(path = "/metrics"): Promise<Response> {
  return fetch(`http://127.0.0.1:${server.port}${path}`);
}

const thumbnails = { queue: "thumbnails", name: "generate_thumbnail" };

describe("worker metrics", () => {
  it("times completed and failed attempts and counts failures, final or not", async () => {
    const good = await createMaterial(harness.env, {
      type: "pdf",
      fileFormat: "pdf",
      file: fixturePath("handout-5-pages.pdf"),
    });
    const missing = await createMaterial(harness.env, { type: "pdf", fileFormat: "pdf" });
    await harness.queues.enqueueThumbnail(good.id);
    await harness.queues.enqueueThumbnail(missing.id);
    // A payload the contract refuses fails at once, whatever attempts are left.
    const invalid = await harness.queues.thumbnails.add("generate_thumbnail", { materialId: "x" }, { attempts: 3 });
    await waitForThumbnailJob(harness.queues, good.id);
    await waitForThumbnailJob(harness.queues, missing.id);
    await vi.waitFor(async () => expect(await invalid.getState()).toBe("failed"), { timeout: 30_000, interval: 50 });

    const response = await scrape();
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(sampleValue(text, "job_duration_seconds_count", { ...thumbnails, status: "completed" })).toBe(1);
    // The missing object: two attempts; the invalid payload: one.
    expect(sampleValue(text, "job_duration_seconds_count", { ...thumbnails, status: "failed" })).toBe(ATTEMPTS + 1);
    expect(sampleValue(text, "job_duration_seconds_sum", { ...thumbnails, status: "completed" })).toBeGreaterThan(0);
    const buckets = findSamples(text, "job_duration_seconds_bucket", { ...thumbnails, status: "completed" });
    expect(buckets.find((b) => b.labels.le === "+Inf")?.value).toBe(1);
    expect(sampleValue(text, "job_failures_total", { ...thumbnails, final: "false" })).toBe(1);
    expect(sampleValue(text, "job_failures_total", { ...thumbnails, final: "true" })).toBe(2);

    expect(sampleValue(text, "queue_jobs", { queue: "thumbnails", state: "completed" })).toBe(1);
    expect(sampleValue(text, "queue_jobs", { queue: "thumbnails", state: "failed" })).toBe(2);
    // The pending-thumbnail sweep's next run; nothing consumes maintenance here.
    const maintenance = (state: string) => sampleValue(text, "queue_jobs", { queue: "maintenance", state }) ?? 0;
    expect(maintenance("waiting") + maintenance("delayed")).toBe(1);
    expect(maintenance("active")).toBe(0);
    expect(sampleValue(text, "process_resident_memory_bytes")).toBeGreaterThan(0);
  });

  it("labels job names outside the contracts as unknown", async () => {
    const stray = await harness.queues.thumbnails.add("no_such_job", {});
    await vi.waitFor(async () => expect(await stray.getState()).toBe("failed"), { timeout: 30_000, interval: 50 });
    const text = await worker.metrics.render();
    expect(sampleValue(text, "job_failures_total", { queue: "thumbnails", name: "unknown", final: "true" })).toBe(1);
    expect(text).not.toContain("no_such_job");
  });

  it("answers /health 200 while the consumers run and 503 once they are closed", async () => {
    const up = await scrape("/health");
    expect(up.status).toBe(200);
    expect(await up.json()).toEqual({ status: "healthy", healthy: true, workers: { thumbnails: true } });

    await runtime.close();
    const down = await scrape("/health");
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ status: "unhealthy", healthy: false, workers: { thumbnails: false } });
  });
});
