import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { resumableUploads } from "@learning-hub/db";
import { resumableTailKey } from "@learning-hub/storage";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type WorkerHarness, workerHarnessOn } from "../../../worker/test/support/worker-harness";
import { createTestApp, type TestApp } from "../support/app";
import { bearer, makeAdmin, type RegisteredUser, registerUser } from "../support/auth";
import { fakeMp4, RESUMABLE_PATH, startTus, tusMetadata } from "../support/tus";
import { leftovers, rowsOf } from "../support/uploads";
import { type InProcessWorker, startWorker } from "../support/worker";

const execFileAsync = promisify(execFile);
const MiB = 1024 * 1024;
const TUS = { "tus-resumable": "1.0.0" };

describe("resumable uploads (tus): material lifecycle", () => {
  let t: TestApp;
  let base: string;
  let user: RegisteredUser;
  let adminToken: string;
  let workDir: string;
  let thumbnails: WorkerHarness | undefined;
  let maintenance: InProcessWorker | undefined;

  beforeAll(async () => {
    t = await createTestApp({ env: { CLEANUP_TIMEOUT_SECONDS: "20" } });
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    user = await registerUser(t.app);
    const admin = await registerUser(t.app);
    await makeAdmin(t, admin.id);
    adminToken = admin.accessToken;
    workDir = await mkdtemp(path.join(tmpdir(), "lh-tus-"));
  }, 60_000);
  afterAll(async () => {
    await thumbnails?.close();
    await maintenance?.close();
    await t?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it("shows progress while uploading and ends active with a thumbnail", async () => {
    const video = path.join(workDir, "lecture.mp4");
    await execFileAsync("ffmpeg", [
      ...["-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "testsrc=size=640x360:rate=25:duration=3"],
      ...["-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags", "+faststart", video],
    ]);
    const file = await readFile(video);
    const chunkSize = Math.ceil(file.length / 4);
    const progress: number[] = [];
    const run = startTus(file, {
      endpoint: `${base}${RESUMABLE_PATH}`,
      token: user.accessToken,
      metadata: tusMetadata("lecture.mp4", "Lecture 1", "Intro"),
      chunkSize,
      extra: {
        // Between chunks: what the status endpoint says about this very upload.
        onChunkComplete: () => {
          void rowsOf(t, user.id).then(async ([row]) => {
            if (row?.status !== "processing") return;
            const status = await t.app.inject({
              url: `/api/v1/upload/status/${row.id}`,
              headers: bearer(user.accessToken),
            });
            progress.push(status.json().progress);
          });
        },
      },
    });
    const { materialId } = await run.done;
    expect(materialId).toBeGreaterThan(0);
    await expect.poll(() => progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.every((value) => value > 0 && value < 100)).toBe(true);
    expect(new Set(progress).size).toBeGreaterThan(1);

    thumbnails = workerHarnessOn(t.env);
    thumbnails.start();
    await expect
      .poll(
        async () => {
          const res = await t.app.inject({
            url: `/api/v1/upload/thumbnail-status/${materialId}`,
            headers: bearer(user.accessToken),
          });
          return res.json().thumbnail_status;
        },
        { timeout: 30_000, interval: 250 },
      )
      .toBe("completed");
    const status = await t.app.inject({
      url: `/api/v1/upload/status/${materialId}`,
      headers: bearer(user.accessToken),
    });
    expect(status.json()).toMatchObject({ status: "active", progress: 100, has_thumbnail: true });
  }, 60_000);

  it("removes an expired unfinished upload with its parts, tail and rows on cleanup, and counts it", async () => {
    const owner = await registerUser(t.app);
    const created = await t.app.inject({
      method: "POST",
      url: RESUMABLE_PATH,
      headers: {
        ...bearer(owner.accessToken),
        ...TUS,
        "upload-length": String(20 * MiB),
        "upload-metadata": `filename ${Buffer.from("old.mp4").toString("base64")},title ${Buffer.from("Old").toString("base64")}`,
      },
    });
    expect(created.statusCode).toBe(201);
    const location = created.headers.location as string;
    const id = location.split("/").pop() ?? "";
    const first = fakeMp4(9 * MiB); // one 8 MiB part and 1 MiB in the tail object
    const patched = await t.app.inject({
      method: "PATCH",
      url: location,
      headers: {
        ...bearer(owner.accessToken),
        ...TUS,
        "upload-offset": "0",
        "content-type": "application/offset+octet-stream",
      },
      payload: first,
    });
    expect(patched.statusCode).toBe(204);
    const [state] = await t.env.database.db.select().from(resumableUploads).where(eq(resumableUploads.id, id));
    const [material] = await rowsOf(t, owner.id);
    expect(state?.partEtags).toHaveLength(1);
    expect(await t.env.storage.exists(resumableTailKey(id))).toBe(true);

    // Its expiry passes (the database clock decides, as for the tus server's Upload-Expires).
    await t.env.database.db
      .update(resumableUploads)
      .set({ expiresAt: sql`now() - interval '1 minute'` })
      .where(eq(resumableUploads.id, id));
    maintenance = await startWorker(t);
    const response = await t.app.inject({
      method: "POST",
      url: "/api/v1/admin/cleanup",
      headers: bearer(adminToken),
      payload: { cleanup_orphans: false },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ cleaned_records: 1, cleaned_files: 2, errors: [] });

    expect(await leftovers(t, owner.id)).toEqual({ rows: 0, objects: 0 });
    expect(await t.env.storage.exists(resumableTailKey(id))).toBe(false);
    expect(await t.env.database.db.select().from(resumableUploads).where(eq(resumableUploads.id, id))).toEqual([]);
    // The multipart upload is gone with its part: it can no longer be completed.
    await expect(
      t.env.storage.completeMultipart(material?.filePath ?? "", state?.multipartUploadId ?? "", [
        { part: 1, etag: state?.partEtags[0] ?? "" },
      ]),
    ).rejects.toThrow();
    const head = await t.app.inject({
      method: "HEAD",
      url: location,
      headers: { ...bearer(owner.accessToken), ...TUS },
    });
    expect(head.statusCode).toBe(404);
  }, 60_000);
});
