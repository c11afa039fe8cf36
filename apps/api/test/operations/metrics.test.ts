import { type MetricsServer, QUEUE_STATES, startMetricsServer } from "@learning-hub/metrics";
import { findSamples, sampleValue } from "@learning-hub/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UNMATCHED_ROUTE } from "../../src/plugins/metrics";
import { createTestApp, type TestApp } from "../support/app";
import { type RegisteredUser, registerUser } from "../support/auth";
import { fixture, multipartForm } from "../support/multipart";
import { postUpload } from "../support/uploads";

let t: TestApp;
let alice: RegisteredUser;
let server: MetricsServer;

beforeAll(async () => {
  t = await createTestApp();
  alice = await registerUser(t.app);
  server = await startMetricsServer({ host: "127.0.0.1", port: 0, registry: t.app.metrics.registry });
});
afterAll(async () => {
  await server?.close();
  await t?.close();
});

/** Scrapes the metrics server over a real socket, as Prometheus does. */
async function scrape(): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${server.port}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

const get = (url: string) => t.app.inject({ method: "GET", url });

describe("API metrics", () => {
  it("times requests under their route pattern, method and status", async () => {
    for (let i = 0; i < 3; i++) expect((await get("/api/v1/materials/987654")).statusCode).toBe(404);
    expect((await get("/api/v1/materials?page=1")).statusCode).toBe(200);

    const text = await scrape();
    const detail = { method: "GET", route: "/api/v1/materials/:material_id", status_code: "404" };
    expect(sampleValue(text, "http_request_duration_seconds_count", detail)).toBe(3);
    expect(sampleValue(text, "http_request_duration_seconds_bucket", { ...detail, le: "+Inf" })).toBe(3);
    const buckets = findSamples(text, "http_request_duration_seconds_bucket", detail);
    expect(buckets.map((b) => b.labels.le)).toContain("0.005");
    // Cumulative buckets: never decreasing up to +Inf.
    const counts = buckets.map((b) => b.value);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(sampleValue(text, "http_request_duration_seconds_sum", detail)).toBeGreaterThan(0);
    expect(
      sampleValue(text, "http_request_duration_seconds_count", {
        method: "GET",
        route: "/api/v1/materials",
        status_code: "200",
      }),
    ).toBe(1);
    // Never the raw URL (ids and query strings would make unbounded series).
    expect(findSamples(text, "http_request_duration_seconds_count").map((s) => s.labels.route)).not.toContain(
      "/api/v1/materials/987654",
    );
  });

  it("labels requests no route matched as unmatched, 404 and 405 alike", async () => {
    expect((await get("/no/such/path/123")).statusCode).toBe(404);
    expect((await t.app.inject({ method: "DELETE", url: "/health" })).statusCode).toBe(405);

    const text = await scrape();
    expect(
      sampleValue(text, "http_request_duration_seconds_count", { route: UNMATCHED_ROUTE, status_code: "404" }),
    ).toBe(1);
    expect(
      sampleValue(text, "http_request_duration_seconds_count", {
        method: "DELETE",
        route: UNMATCHED_ROUTE,
        status_code: "405",
      }),
    ).toBe(1);
    expect(text).not.toContain("/no/such/path");
  });

  it("reports the depth of every queue in every state", async () => {
    await t.queues.enqueueThumbnail(424242);
    const text = await scrape();
    for (const queue of ["thumbnails", "maintenance"]) {
      for (const state of QUEUE_STATES) expect(sampleValue(text, "queue_jobs", { queue, state })).toBeTypeOf("number");
    }
    // Thumbnail jobs carry a priority, so BullMQ keeps them in its prioritized set rather than the wait list.
    expect(sampleValue(text, "queue_jobs", { queue: "thumbnails", state: "prioritized" })).toBe(1);
    expect(sampleValue(text, "queue_jobs", { queue: "maintenance", state: "waiting" })).toBe(0);
    expect(sampleValue(text, "queue_jobs_collect_failures_total", { queue: "thumbnails" })).toBe(0);
  });

  it("counts the bytes of stored uploads, and none of a refused one", async () => {
    const before = sampleValue(await scrape(), "upload_bytes_total") ?? Number.NaN;
    expect(before).toBe(0);
    const pdf = fixture("handout-5-pages.pdf");
    const stored = await postUpload(
      t,
      alice.accessToken,
      multipartForm([
        { name: "title", value: "Handout" },
        { name: "file", filename: "handout.pdf", content: pdf, contentType: "application/pdf" },
      ]),
    );
    expect(stored.statusCode, stored.body).toBe(201);
    const refused = await postUpload(
      t,
      alice.accessToken,
      multipartForm([
        { name: "title", value: "Not a video" },
        { name: "file", filename: "fake.mp4", content: fixture("not-a-video.mp4"), contentType: "video/mp4" },
      ]),
    );
    expect(refused.statusCode).toBe(415);

    const text = await scrape();
    expect(sampleValue(text, "upload_bytes_total")).toBe(pdf.length);
    expect(
      sampleValue(text, "http_request_duration_seconds_count", { route: "/api/v1/upload", status_code: "201" }),
    ).toBe(1);
  });

  it("includes the process metrics, and is not served on the public API port", async () => {
    const text = await scrape();
    expect(sampleValue(text, "process_resident_memory_bytes")).toBeGreaterThan(0);
    expect(findSamples(text, "nodejs_eventloop_lag_seconds")).toHaveLength(1);
    expect((await get("/metrics")).statusCode).toBe(404);
  });

  it("keeps each app's series to itself", async () => {
    const other = await createTestApp();
    try {
      const text = await other.app.metrics.render();
      expect(findSamples(text, "http_request_duration_seconds_count")).toEqual([]);
      expect(sampleValue(text, "upload_bytes_total")).toBe(0);
    } finally {
      await other.close();
    }
  });
});
