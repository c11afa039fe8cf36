import { type MetricsServer, startMetricsServer } from "@learning-hub/metrics";
import { findSamples, sampleValue } from "@learning-hub/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJobHandlers } from "../../src/jobs/handlers";
import { startWorkers, type WorkerRuntime } from "../../src/jobs/runtime";
import { createWorkerMetrics, type WorkerMetrics } from "../../src/metrics";
import { prepareThumbnailWork } from "../../src/services/thumbnail-startup";
import { workersHealth } from "../../src/worker-health";
import { fixturePath } from "../media/helpers";
import {
  createMaterial,
  createWorkerHarness,
  type WorkerHarness,
  waitFor,
  waitForThumbnailJob,
} from "../support/worker-harness";

const ATTEMPTS = 2;
let harness: WorkerHarness;
let metrics: WorkerMetrics;
let runtime: WorkerRuntime;
let server: MetricsServer;

/** The worker's consumers as main.ts starts them, with metrics. */
function startInstrumented(queues: ("thumbnails" | "maintenance")[]): WorkerRuntime {
  const { config, logger, connection, settings } = harness.deps;
  return startWorkers({
    config,
    logger,
    connection,
    settings,
    handlers: createJobHandlers(harness.deps),
    queues,
    metrics,
  });
}

beforeAll(async () => {
  harness = await createWorkerHarness({ THUMBNAIL_ATTEMPTS: String(ATTEMPTS), THUMBNAIL_BACKOFF_MS: "50" });
  await prepareThumbnailWork(harness.deps);
  metrics = createWorkerMetrics(harness.queues);
  runtime = startInstrumented(["thumbnails"]);
  server = await startMetricsServer({
    host: "127.0.0.1",
    port: 0,
    registry: metrics.registry,
    health: () => workersHealth(runtime.workers),
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
    await waitFor("the invalid job to fail", async () => ((await invalid.getState()) === "failed" ? true : undefined));

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
    // The pending-thumbnail sweep that prepareThumbnailWork schedules; nothing consumes maintenance here.
    const maintenance = (state: string) => sampleValue(text, "queue_jobs", { queue: "maintenance", state }) ?? 0;
    expect(maintenance("waiting") + maintenance("delayed")).toBe(1);
    expect(maintenance("active")).toBe(0);
    expect(sampleValue(text, "process_resident_memory_bytes")).toBeGreaterThan(0);
  });

  it("labels job names outside the contracts as unknown", async () => {
    const stray = await harness.queues.thumbnails.add("no_such_job", {});
    await waitFor("the stray job to fail", async () => ((await stray.getState()) === "failed" ? true : undefined));
    const text = await metrics.render();
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
