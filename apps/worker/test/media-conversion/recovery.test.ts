import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createClientConnection, JobQueues, jobSettings, prepareMediaJobId } from "@learning-hub/queue";
import { flatText, pdfPageCount, saveWithLibreOffice } from "@learning-hub/testing/media-files";
import type { FastifyInstance } from "fastify";
import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { buildApp } from "../../../api/src/app";
import { createTestApp, type TestApp } from "../../../api/test/support/app";
import { bearer, makeAdmin, type RegisteredUser, registerUser } from "../../../api/test/support/auth";
import { multipartForm } from "../../../api/test/support/multipart";
import { postUpload } from "../../../api/test/support/uploads";
import type { WorkerRuntime } from "../../src/jobs/runtime";
import { fixturePath } from "../media/helpers";
import { createMaterial, type WorkerHarness, workerHarnessOn } from "../support/worker-harness";

/** Issue 15: what happens to a conversion after things went wrong (a failed conversion, a job that never queued). */

let t: TestApp;
let worker: WorkerHarness;
let runtime: WorkerRuntime | undefined;
let owner: RegisteredUser;
let other: RegisteredUser;
let adminToken: string;
let dir: string;
let docx: string;

const PAGES = 2;

interface UploadStatus {
  status: "processing" | "active" | "hidden";
  stage: "uploading" | "converting" | "transcoding" | "ready" | "failed";
  failure_reason: string | null;
}

beforeAll(async () => {
  t = await createTestApp({ env: { MEDIA_ATTEMPTS: "1", CLEANUP_TIMEOUT_SECONDS: "30", ORPHAN_GRACE_MINUTES: "0" } });
  worker = workerHarnessOn(t.env);
  owner = await registerUser(t.app);
  other = await registerUser(t.app);
  const admin = await registerUser(t.app);
  await makeAdmin(t, admin.id);
  adminToken = admin.accessToken;
  dir = await mkdtemp(path.join(tmpdir(), "media-recovery-"));
  docx = (await saveWithLibreOffice(dir, "notes", flatText(PAGES), "fodt", ["docx"])).docx as string;
}, 120_000);

afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
});

afterAll(async () => {
  await worker?.close();
  await t?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function uploadDocx(app: FastifyInstance, filename: string): Promise<number> {
  const form = multipartForm([
    { name: "title", value: `Upload of ${filename}` },
    { name: "file", filename, content: await readFile(docx) },
  ]);
  const response = await postUpload({ ...t, app }, owner.accessToken, form);
  expect(response.statusCode, response.body).toBe(201);
  expect(response.json()).toMatchObject({ status: "processing", type: "pdf", file_format: "docx" });
  return response.json().id as number;
}

async function status(id: number): Promise<UploadStatus> {
  const response = await t.app.inject({
    method: "GET",
    url: `/api/v1/upload/status/${id}`,
    headers: bearer(owner.accessToken),
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as UploadStatus;
}

/** Waits until the material's stage is `stage` (a retried failure shows `failed` until the job runs again). */
function reaches(id: number, stage: UploadStatus["stage"], timeout = 120_000): Promise<UploadStatus> {
  return vi.waitFor(
    async () => {
      const current = await status(id);
      if (current.stage !== stage) throw new Error(`material ${id} is ${current.stage}`);
      return current;
    },
    { timeout, interval: 100 },
  );
}

/** Runs the sweep on the worker and answers its result. */
async function sweep(): Promise<unknown> {
  const job = await t.queues.maintenance.add("sweep_pending_thumbnails", {});
  await vi.waitFor(
    async () => {
      if (!(await job.isCompleted())) throw new Error("the sweep has not completed");
    },
    { timeout: 30_000, interval: 50 },
  );
  // Read after completion: a job read while it ran has no return value.
  return (await t.queues.maintenance.getJob(job.id ?? ""))?.returnvalue;
}

const admin = (method: "GET" | "POST", url: string, payload?: Record<string, unknown>) =>
  t.app.inject({ method, url: `/api/v1/admin${url}`, headers: bearer(adminToken), payload });

async function row(id: number) {
  const [found] = await t.env.database.sql<{ status: string; file_path: string; source_path: string | null }[]>`
    select status, file_path, source_path from materials where id = ${id}`;
  return found;
}

/** The material as another user sees it once active: its file a PDF of every page, the original downloadable. */
async function expectConvertedPdf(id: number, originalKey: string): Promise<void> {
  const detail = await t.app.inject({
    method: "GET",
    url: `/api/v1/materials/${id}`,
    headers: bearer(other.accessToken),
  });
  expect(detail.statusCode, detail.body).toBe(200);
  const body = detail.json() as { status: string; file_path: string; source_path: string; file_format: string };
  expect(body).toMatchObject({ status: "active", file_format: "docx", source_path: originalKey });
  expect(body.file_path).toMatch(/\.pdf$/);
  const local = path.join(dir, `converted-${id}.pdf`);
  const pdf = await t.env.storage.getBuffer(body.file_path);
  expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
  await writeFile(local, pdf);
  expect(await pdfPageCount(local)).toBe(PAGES);
  expect(await t.env.storage.exists(originalKey)).toBe(true);
}

describe("a conversion that failed for good", () => {
  it("keeps its original through cleanup, is listed for admins, and an admin's retry converts it", async () => {
    // A timeout no LibreOffice can meet: the conversion fails with its reason (one attempt).
    const media = t.env.config.media;
    const impatient = { ...t.env.config, media: { ...media, conversionTimeoutSeconds: 0.001 } };
    runtime = await worker.start({ queues: ["media", "maintenance"], deps: { config: impatient } });
    const id = await uploadDocx(t.app, "Timed out.docx");
    const failed = await reaches(id, "failed");
    expect(failed).toMatchObject({ status: "processing", stage: "failed" });
    expect(failed.failure_reason).toBe("document conversion timed out after 1 ms");
    const original = (await row(id))?.file_path as string;
    expect(original).toMatch(/\.docx$/);

    const list = await admin("GET", "/jobs/failed?queue=media");
    expect(list.statusCode, list.body).toBe(200);
    const jobId = prepareMediaJobId(id);
    expect(list.json().items).toContainEqual(
      expect.objectContaining({
        id: jobId,
        queue: "media",
        name: "prepare_media",
        data: { materialId: id },
        failed_reason: "document conversion timed out after 1 ms",
        attempts_made: 1,
      }),
    );

    // Old enough for the cleanup to remove it, were it a stale upload; beside it, a stale upload the cleanup does remove.
    await t.env.database.sql`update materials set created_at = now() - interval '3 hours' where id = ${id}`;
    const stale = await createMaterial(t.env, {
      type: "pdf",
      fileFormat: "pdf",
      file: fixturePath("handout-5-pages.pdf"),
      status: "processing",
      ageSeconds: 3 * 3600,
    });
    const cleanup = await admin("POST", "/cleanup", { max_age_minutes: 60 });
    expect(cleanup.statusCode, cleanup.body).toBe(200);
    expect(await row(stale.id)).toBeUndefined();
    expect(await t.env.storage.exists(stale.filePath)).toBe(false);
    expect(await row(id)).toMatchObject({ status: "processing", file_path: original, source_path: null });
    expect(await t.env.storage.exists(original)).toBe(true);
    expect(await status(id)).toMatchObject({ stage: "failed" });

    // The operator raises the timeout (a worker with the normal config) and the admin retries the job.
    await runtime.close();
    runtime = await worker.start({ queues: ["media", "thumbnails"] });
    const retry = await admin("POST", `/jobs/media/${jobId}/retry`);
    expect(retry.statusCode, retry.body).toBe(200);
    expect(retry.json()).toEqual({ success: true, message: `Job ${jobId} queued for retry`, job_id: jobId });

    expect(await reaches(id, "ready")).toMatchObject({ status: "active", stage: "ready", failure_reason: null });
    await expectConvertedPdf(id, original);
    expect((await admin("GET", "/jobs/failed?queue=media")).json().items).not.toContainEqual(
      expect.objectContaining({ id: jobId }),
    );
  }, 240_000);
});

describe("a conversion whose job never reached Redis", () => {
  let deadRedis: Redis;
  let deadQueues: JobQueues;
  let deadApp: FastifyInstance;

  beforeAll(async () => {
    // The same app on the same database, but its queues on a Redis that refuses connections.
    deadRedis = createClientConnection("redis://127.0.0.1:1");
    deadRedis.on("error", () => {}); // refused connections are expected here
    deadQueues = new JobQueues({
      connection: deadRedis,
      prefix: t.env.config.redis.prefix,
      settings: jobSettings(t.env.config),
    });
    for (const queue of deadQueues.all()) queue.on("error", () => {});
    deadApp = await buildApp({ ...t.deps, queues: deadQueues });
    await deadApp.ready();
  });

  afterAll(async () => {
    await deadApp?.close();
    await deadQueues?.close();
    deadRedis?.disconnect();
  });

  it("is converted once the sweep finds it, and a recent one is left to its upload", async () => {
    const lost = await uploadDocx(deadApp, "Lost.docx");
    const recent = await uploadDocx(deadApp, "Recent.docx");
    for (const id of [lost, recent]) {
      expect(await status(id)).toMatchObject({ status: "processing", stage: "converting" });
      expect(await t.queues.media.getJob(prepareMediaJobId(id))).toBeUndefined();
    }
    // Past the sweep's grace period (two minutes since the row last changed).
    await t.env.database.sql`update materials set updated_at = now() - interval '10 minutes' where id = ${lost}`;
    const original = (await row(lost))?.file_path as string;

    runtime = await worker.start({ queues: ["maintenance", "media", "thumbnails"] });
    expect(await sweep()).toMatchObject({ preparationsEnqueued: 1 });
    expect(await t.queues.media.getJob(prepareMediaJobId(recent))).toBeUndefined();

    expect(await reaches(lost, "ready")).toMatchObject({ status: "active", stage: "ready" });
    await expectConvertedPdf(lost, original);
    expect(await status(recent)).toMatchObject({ status: "processing", stage: "converting" });

    // A second run finds nothing to add: the converted material is active, the recent one still in its grace.
    expect(await sweep()).toMatchObject({ preparationsEnqueued: 0 });
  }, 240_000);
});
