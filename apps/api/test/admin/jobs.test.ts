import { createDatabase } from "@learning-hub/db";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestApp, type TestApp } from "../support/app";
import { bearer, makeAdmin, registerUser } from "../support/auth";
import { type InProcessWorker, startWorker } from "../support/worker";

let t: TestApp;
let token: string;
let worker: InProcessWorker | undefined;

const call = (method: "GET" | "POST", path: string) =>
  t.app.inject({ method, url: `/api/v1/admin${path}`, headers: bearer(token) });

beforeAll(async () => {
  t = await createTestApp({ env: { CLEANUP_TIMEOUT_SECONDS: "10" } });
  const admin = await registerUser(t.app);
  await makeAdmin(t, admin.id);
  token = admin.accessToken;
});

afterEach(async () => {
  await worker?.close();
  worker = undefined;
});

afterAll(async () => {
  await t?.close();
});

describe("failed jobs", () => {
  it("lists a failed job, and a retry runs it again to completion", async () => {
    // A worker on a database that does not exist: the cleanup fails.
    const broken = createDatabase({ url: `${t.env.config.database.url}_missing`, connectTimeoutSeconds: 2 });
    worker = await startWorker(t, { database: broken, reconcile: false });
    const failed = await call("POST", "/cleanup");
    expect(failed.statusCode).toBe(500);
    await worker.close();
    worker = undefined;
    await broken.close();

    const list = await call("GET", "/jobs/failed?queue=maintenance");
    expect(list.statusCode).toBe(200);
    const page = list.json();
    expect(page).toMatchObject({ total: 1, page: 1, page_size: 20 });
    const [job] = page.items;
    expect(job).toEqual({
      id: expect.any(String),
      queue: "maintenance",
      name: "cleanup",
      data: { cleanupProcessing: true, cleanupOrphans: true, maxAgeMinutes: 30 },
      failed_reason: expect.any(String),
      attempts_made: 1,
      failed_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    });
    expect((await call("GET", "/jobs/failed?queue=thumbnails")).json()).toMatchObject({ total: 0, items: [] });

    worker = await startWorker(t, { reconcile: false });
    const retry = await call("POST", `/jobs/maintenance/${job.id}/retry`);
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual({ success: true, message: `Job ${job.id} queued for retry`, job_id: job.id });
    const retried = await vi.waitFor(
      async () => {
        const state = await (await t.queues.maintenance.getJob(job.id))?.getState();
        if (state !== "completed") throw new Error(`the retried job is ${state ?? "absent"}, not completed`);
        return state;
      },
      { timeout: 20_000, interval: 50 },
    );
    expect(retried).toBe("completed");
    expect((await call("GET", "/jobs/failed?queue=maintenance")).json()).toMatchObject({ total: 0 });

    // Only a failed job can be retried.
    const again = await call("POST", `/jobs/maintenance/${job.id}/retry`);
    expect(again.statusCode).toBe(400);
    expect(again.json().error.code).toBe("INVALID_STATUS");
  });

  it("answers 404 for an unknown job and 400 for an unknown queue or page size", async () => {
    const unknown = await call("POST", "/jobs/maintenance/no-such-job/retry");
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe("NOT_FOUND");
    for (const path of [
      "/jobs/failed?queue=emails",
      "/jobs/failed",
      "/jobs/failed?queue=maintenance&page_size=101",
      "/jobs/failed?queue=maintenance&page=0",
    ]) {
      const response = await call("GET", path);
      expect(response.statusCode, path).toBe(400);
      expect(response.json().error.code).toBe("VALIDATION_ERROR");
    }
    const badQueue = await call("POST", "/jobs/emails/1/retry");
    expect(badQueue.statusCode).toBe(400);
  });
});
