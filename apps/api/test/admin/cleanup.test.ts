import { createHash } from "node:crypto";
import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { createDatabase, materials } from "@learning-hub/db";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  listKeys,
  materialExists,
  putObject,
  seedMaterial,
  seedUploader,
} from "../../../worker/test/support/cleanup-fixtures";
import { createTestApp, type TestApp } from "../support/app";
import { bearer, makeAdmin, registerUser } from "../support/auth";
import { multipartForm } from "../support/multipart";
import { type InProcessWorker, startWorker } from "../support/worker";

// Grace 0: every unreferenced object is an orphan at once, the harshest setting for in-flight uploads.
let t: TestApp;
let adminToken: string;
let uploaderId: number;
let worker: InProcessWorker | undefined;

const cleanup = (payload?: Record<string, unknown>) =>
  t.app.inject({ method: "POST", url: "/api/v1/admin/cleanup", headers: bearer(adminToken), payload });

beforeAll(async () => {
  t = await createTestApp({ env: { ORPHAN_GRACE_MINUTES: "0", CLEANUP_TIMEOUT_SECONDS: "10" } });
  const admin = await registerUser(t.app);
  await makeAdmin(t, admin.id);
  adminToken = admin.accessToken;
  uploaderId = await seedUploader(t.env.database.db);
});

afterEach(async () => {
  await worker?.close();
  worker = undefined;
});

afterAll(async () => {
  await t?.close();
});

describe("POST /api/v1/admin/cleanup: validation", () => {
  it.each([
    [{ max_age_minutes: 0 }, "max_age_minutes"],
    [{ max_age_minutes: 1441 }, "max_age_minutes"],
    [{ max_age_minutes: 2.5 }, "max_age_minutes"],
    [{ max_age_minutes: "soon" }, "max_age_minutes"],
    [{ cleanup_orphans: "perhaps" }, "cleanup_orphans"],
    [{ cleanup_everything: true }, "cleanup_everything"],
  ])("refuses %j with 400 VALIDATION_ERROR naming %s", async (payload, field) => {
    const response = await cleanup(payload);
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.error.code).toBe("VALIDATION_ERROR");
    expect(body.error.details.fields).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });

  it("answers 422 to a body that is not JSON", async () => {
    const response = await t.app.inject({
      method: "POST",
      url: "/api/v1/admin/cleanup",
      headers: { ...bearer(adminToken), "content-type": "application/json" },
      payload: "{not json",
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe("VALIDATION_ERROR");
  });
});

describe("POST /api/v1/admin/cleanup: runs on the worker", () => {
  it("removes stale uploads and orphans, keeps the rest, and reports exactly what it removed", async () => {
    const { db } = t.env.database;
    const stale = await seedMaterial(db, t.env.storage, {
      uploaderId,
      status: "processing",
      ageMinutes: 45,
      withFile: true,
    });
    const young = await seedMaterial(db, t.env.storage, {
      uploaderId,
      status: "processing",
      ageMinutes: 5,
      withFile: true,
    });
    const active = await seedMaterial(db, t.env.storage, {
      uploaderId,
      status: "active",
      ageMinutes: 600,
      withFile: true,
      withThumbnail: true,
    });
    const hidden = await seedMaterial(db, t.env.storage, {
      uploaderId,
      status: "hidden",
      ageMinutes: 600,
      withFile: true,
      withThumbnail: true,
    });
    const orphans = [`materials/${uploaderId}/20240101_000000_orphan.pdf`, `thumbnails/${uploaderId}/424242.jpg`];
    for (const key of orphans) await putObject(t.env.storage, key);
    await putObject(t.env.storage, "placeholders/pdf.jpg");
    const before = await listKeys(t.env.storage);
    worker = await startWorker(t);

    // No body at all: every default (both kinds, 30 minutes).
    const response = await t.app.inject({ method: "POST", url: "/api/v1/admin/cleanup", headers: bearer(adminToken) });

    expect(response.statusCode).toBe(200);
    const after = await listKeys(t.env.storage);
    const removed = before.filter((key) => !after.includes(key));
    expect(removed.sort()).toEqual([stale.filePath, ...orphans].sort());
    expect(response.json()).toEqual({
      success: true,
      cleaned_records: 1,
      cleaned_files: removed.length,
      duration_seconds: expect.any(Number),
      errors: [],
    });
    expect(await materialExists(db, stale.id)).toBe(false);
    for (const row of [young, active, hidden]) expect(await materialExists(db, row.id)).toBe(true);
    expect(after).toContain("placeholders/pdf.jpg");
  });
});

describe("POST /api/v1/admin/cleanup: parameters", () => {
  it("honours max_age_minutes and each switch", async () => {
    const { db } = t.env.database;
    const stale = await seedMaterial(db, t.env.storage, {
      uploaderId,
      status: "processing",
      ageMinutes: 45,
      withFile: true,
    });
    const orphan = `materials/${uploaderId}/20240101_000000_kept-for-now.mp4`;
    await putObject(t.env.storage, orphan);
    worker = await startWorker(t);

    const olderOnly = await cleanup({ cleanup_orphans: false, max_age_minutes: 60 });
    expect(olderOnly.json()).toMatchObject({ cleaned_records: 0, cleaned_files: 0 });
    const noProcessing = await cleanup({ cleanup_processing: false, cleanup_orphans: false, max_age_minutes: 1 });
    expect(noProcessing.json()).toMatchObject({ cleaned_records: 0, cleaned_files: 0 });
    expect(await materialExists(db, stale.id)).toBe(true);
    expect(await t.env.storage.exists(orphan)).toBe(true);

    const processingOnly = await cleanup({ cleanup_orphans: false, max_age_minutes: 40 });
    expect(processingOnly.json()).toMatchObject({ cleaned_records: 1, cleaned_files: 1 });
    expect(await t.env.storage.exists(orphan)).toBe(true);

    const orphansOnly = await cleanup({ cleanup_processing: false });
    expect(orphansOnly.json()).toMatchObject({ cleaned_records: 0, cleaned_files: 1 });
    expect(await t.env.storage.exists(orphan)).toBe(false);
  });
});

describe("POST /api/v1/admin/cleanup: an upload in flight", () => {
  it("completes intact when a cleanup runs while its bytes are still streaming", async () => {
    const uploader = await registerUser(t.app);
    worker = await startWorker(t);
    await t.app.listen({ host: "127.0.0.1", port: 0 });
    const { port } = t.app.server.address() as AddressInfo;

    // 20 MiB of PDF: the first 8 MiB parts reach storage while the rest is held back.
    const MiB = 1024 * 1024;
    const chunk = (i: number) => Buffer.alloc(MiB, (i * 7) % 256);
    const head = Buffer.from("%PDF-1.4\n");
    const expected = createHash("sha256");
    expected.update(head);
    for (let i = 0; i < 20; i++) expected.update(chunk(i));
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let sent = 0;
    const form = multipartForm([
      { name: "title", value: "Streaming while cleanup runs" },
      {
        name: "file",
        filename: "slow.pdf",
        contentType: "application/pdf",
        content: async function* () {
          yield head;
          for (let i = 0; i < 20; i++) {
            if (i === 12) await held;
            yield chunk(i);
            sent = i + 1;
          }
        },
      },
    ]);
    const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        {
          host: "127.0.0.1",
          port,
          method: "POST",
          path: "/api/v1/upload",
          headers: { ...form.headers, ...bearer(uploader.accessToken) },
        },
        (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (data: string) => {
            body += data;
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on("error", reject);
      form.stream().pipe(req);
    });

    const row = await vi.waitFor(
      async () => {
        const [found] = await t.env.database.db.select().from(materials).where(eq(materials.uploaderId, uploader.id));
        if (!found || sent < 12) throw new Error("the upload's processing row is not there yet");
        return found;
      },
      { timeout: 20_000, interval: 50 },
    );
    expect(row.status).toBe("processing");

    const during = await cleanup({ max_age_minutes: 1 });
    expect(during.statusCode).toBe(200);
    expect(await materialExists(t.env.database.db, row.id)).toBe(true);

    release();
    const answer = await response;
    expect(answer.status).toBe(201);
    const material = JSON.parse(answer.body);
    expect(material.file_path).toBe(row.filePath);
    const stored = await t.env.storage.getBuffer(material.file_path);
    expect(stored.length).toBe(head.length + 20 * MiB);
    expect(createHash("sha256").update(stored).digest("hex")).toBe(expected.digest("hex"));

    // And a cleanup afterwards leaves the finished upload alone too.
    await cleanup({ max_age_minutes: 1 });
    expect(await t.env.storage.exists(material.file_path)).toBe(true);
  }, 60_000);
});

describe("POST /api/v1/admin/cleanup: failures", () => {
  it("answers 500 CLEANUP_FAILED when the job fails", async () => {
    // A worker whose database does not exist: the job's first query fails.
    const broken = createDatabase({ url: `${t.env.config.database.url}_missing`, connectTimeoutSeconds: 2 });
    worker = await startWorker(t, { database: broken, reconcile: false });
    try {
      const response = await cleanup();
      expect(response.statusCode).toBe(500);
      expect(response.json()).toEqual({
        error: { code: "CLEANUP_FAILED", message: "Cleanup job failed", details: {} },
      });
    } finally {
      await worker.close();
      worker = undefined;
      await broken.close();
    }
  });

  it("answers 500 CLEANUP_FAILED when no worker finishes it in time", async () => {
    const impatient = await createTestApp({ env: { CLEANUP_TIMEOUT_SECONDS: "1" } });
    try {
      const admin = await registerUser(impatient.app);
      await makeAdmin(impatient, admin.id);
      const started = Date.now();
      const response = await impatient.app.inject({
        method: "POST",
        url: "/api/v1/admin/cleanup",
        headers: bearer(admin.accessToken),
        payload: {},
      });
      expect(response.statusCode).toBe(500);
      expect(response.json().error).toEqual({
        code: "CLEANUP_FAILED",
        message: "Cleanup did not finish within 1 seconds",
        details: {},
      });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await impatient.close();
    }
  });
});
