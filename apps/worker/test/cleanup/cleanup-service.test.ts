import { materials } from "@learning-hub/db";
import { CleanupRepository } from "@learning-hub/db/repositories/cleanup";
import { createStorage, pagePreviewKey, storyboardFolder } from "@learning-hub/storage";
import { createTestEnvironment, type TestEnvironment } from "@learning-hub/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CleanupService } from "../../src/services/cleanup-service";
import { listKeys, materialExists, putObject, seedMaterial, seedUploader } from "../support/cleanup-fixtures";

let env: TestEnvironment;
let uploaderId: number;

const GRACE_MINUTES = 60;
const processingOnly = { cleanupProcessing: true, cleanupOrphans: false, maxAgeMinutes: 30 };
const orphansOnly = { cleanupProcessing: false, cleanupOrphans: true, maxAgeMinutes: 30 };

function service(options: { now?: () => Date; storage?: TestEnvironment["storage"] } = {}) {
  return new CleanupService({
    repository: new CleanupRepository(env.database.db),
    storage: options.storage ?? env.storage,
    orphanGraceMinutes: GRACE_MINUTES,
    now: options.now,
  });
}

const hoursFromNow = (hours: number) => () => new Date(Date.now() + hours * 3_600_000);

beforeAll(async () => {
  env = await createTestEnvironment();
  uploaderId = await seedUploader(env.database.db);
});

afterAll(async () => {
  await env?.dispose();
});

describe("cleanup of abandoned uploads", () => {
  it("removes processing rows older than max_age with their objects and keeps everything else", async () => {
    const { db } = env.database;
    const seed = (status: "processing" | "active", ageMinutes: number, withThumbnail = false) =>
      seedMaterial(db, env.storage, { uploaderId, status, ageMinutes, withFile: true, withThumbnail });
    const stale = await seed("processing", 45, true);
    const cutOff = await seedMaterial(db, env.storage, { uploaderId, status: "processing", ageMinutes: 31 });
    const young = await seed("processing", 29);
    const finished = await seed("active", 24 * 60);

    const outcome = await service().run(processingOnly);

    expect(outcome).toMatchObject({ cleanedRecords: 2, cleanedFiles: 2, errors: [] });
    expect(outcome.durationSeconds).toBeGreaterThanOrEqual(0);
    expect(await materialExists(db, stale.id)).toBe(false);
    expect(await materialExists(db, cutOff.id)).toBe(false);
    expect(await materialExists(db, young.id)).toBe(true);
    expect(await materialExists(db, finished.id)).toBe(true);
    const keys = await listKeys(env.storage);
    expect(keys).not.toContain(stale.filePath);
    expect(keys).not.toContain(stale.thumbnailPath);
    expect(keys).toEqual(expect.arrayContaining([young.filePath, finished.filePath]));

    // Nothing left to do: a second run removes nothing.
    expect(await service().run(processingOnly)).toMatchObject({ cleanedRecords: 0, cleanedFiles: 0 });
  });

  it("never deletes a placeholder a stale row points at", async () => {
    const placeholder = "placeholders/video.jpg";
    await putObject(env.storage, placeholder);
    const stale = await seedMaterial(env.database.db, env.storage, {
      uploaderId,
      status: "processing",
      ageMinutes: 60,
      withFile: true,
      thumbnailPath: placeholder,
    });

    expect(await service().run(processingOnly)).toMatchObject({ cleanedRecords: 1, cleanedFiles: 1 });
    expect(await materialExists(env.database.db, stale.id)).toBe(false);
    expect(await env.storage.exists(placeholder)).toBe(true);
  });
});

describe("cleanup of orphaned objects", () => {
  it("removes unreferenced objects past the grace period; referenced, placeholder and young objects stay", async () => {
    const { db } = env.database;
    const active = await seedMaterial(db, env.storage, {
      uploaderId,
      status: "active",
      ageMinutes: 600,
      withFile: true,
      withThumbnail: true,
    });
    // Soft-deleted through DELETE /materials: the row still owns its files.
    const hidden = await seedMaterial(db, env.storage, {
      uploaderId,
      status: "hidden",
      ageMinutes: 600,
      withFile: true,
      withThumbnail: true,
    });
    const orphans = [`materials/${uploaderId}/20240101_000000_lost.mp4`, `thumbnails/${uploaderId}/999999.jpg`];
    for (const key of orphans) await putObject(env.storage, key);
    const placeholders = ["placeholders/video.jpg", "placeholders/pdf.jpg"];
    for (const key of placeholders) await putObject(env.storage, key);
    const outsider = "exports/report.csv";
    await putObject(env.storage, outsider);
    const before = await listKeys(env.storage);

    // Now everything is younger than the grace period: nothing goes.
    expect(await service().run(orphansOnly)).toMatchObject({ cleanedRecords: 0, cleanedFiles: 0, errors: [] });
    expect(await listKeys(env.storage)).toEqual(before);

    // Two hours later, the orphans are past it.
    const outcome = await service({ now: hoursFromNow(2) }).run(orphansOnly);
    const after = await listKeys(env.storage);

    expect(before.filter((key) => !after.includes(key)).sort()).toEqual([...orphans].sort());
    expect(outcome).toMatchObject({ cleanedRecords: 0, cleanedFiles: orphans.length, errors: [] });
    expect(after).toEqual(
      expect.arrayContaining([
        active.filePath,
        active.thumbnailPath,
        hidden.filePath,
        hidden.thumbnailPath,
        ...placeholders,
        outsider,
      ]),
    );
  });

  it("keeps an object that a row started referencing between the listing and the deletion", async () => {
    const key = `materials/${uploaderId}/20240101_000000_claimed.mp4`;
    await putObject(env.storage, key);
    const repository = new CleanupRepository(env.database.db);
    let looks = 0;
    // The database answers the first look, then an upload registers its row before the second one.
    const racing = Object.assign(Object.create(repository) as CleanupRepository, {
      referencedKeys: async (keys: string[]) => {
        const answer = await repository.referencedKeys(keys);
        looks += 1;
        if (looks === 1 && keys.includes(key)) {
          await env.database.db.insert(materials).values({
            title: "Late",
            type: "video",
            filePath: key,
            fileFormat: "mp4",
            uploaderId,
            status: "processing",
          });
        }
        return answer;
      },
    });
    const cleanup = new CleanupService({
      repository: racing,
      storage: env.storage,
      orphanGraceMinutes: GRACE_MINUTES,
      now: hoursFromNow(2),
    });

    const outcome = await cleanup.run(orphansOnly);

    expect(looks).toBeGreaterThanOrEqual(2);
    expect(outcome.cleanedFiles).toBe(0);
    expect(await env.storage.exists(key)).toBe(true);
  });
});

describe("cleanup errors", () => {
  it("collects storage failures per object and still removes the stale rows", async () => {
    const stale = await seedMaterial(env.database.db, env.storage, {
      uploaderId,
      status: "processing",
      ageMinutes: 90,
      withFile: true,
    });
    // Nothing listens on port 9: every storage call fails at once.
    const unreachable = createStorage({ ...env.config.storage, endpoint: "http://127.0.0.1:9" });

    const outcome = await service({ storage: unreachable }).run({
      cleanupProcessing: true,
      cleanupOrphans: true,
      maxAgeMinutes: 30,
    });

    expect(outcome.cleanedRecords).toBe(1);
    expect(outcome.cleanedFiles).toBe(0);
    expect(outcome.errors).toEqual([
      expect.stringContaining(stale.filePath),
      expect.stringContaining("listing materials/"),
      expect.stringContaining("listing thumbnails/"),
      expect.stringContaining("listing previews/"),
      expect.stringContaining("listing storyboards/"),
    ]);
    expect(await materialExists(env.database.db, stale.id)).toBe(false);
    // The object outlived its row; the next run's orphan sweep takes it.
    expect(await env.storage.exists(stale.filePath)).toBe(true);
    const next = await service({ now: hoursFromNow(2) }).run(orphansOnly);
    expect(next.cleanedFiles).toBeGreaterThanOrEqual(1);
    expect(await env.storage.exists(stale.filePath)).toBe(false);
  });

  it("stops when its signal aborts", async () => {
    await seedMaterial(env.database.db, env.storage, { uploaderId, status: "processing", ageMinutes: 90 });
    await expect(service().run(processingOnly, AbortSignal.abort())).rejects.toThrow();
  });
});

describe("issue 15: conversions and derived objects", () => {
  it.each(["converting", "transcoding", "failed"] as const)(
    "never removes a %s material, however old, nor its original",
    async (stage) => {
      const row = await seedMaterial(env.database.db, env.storage, {
        uploaderId,
        status: "processing",
        ageMinutes: 600,
        withFile: true,
      });
      await env.database.db.update(materials).set({ stage }).where(eq(materials.id, row.id));
      await service({ now: hoursFromNow(24) }).run({ ...processingOnly, cleanupOrphans: true });
      expect(await materialExists(env.database.db, row.id)).toBe(true);
      expect(await env.storage.exists(row.filePath)).toBe(true);
    },
  );

  it("keeps page previews and storyboards of live materials and removes those of deleted ones", async () => {
    const live = await seedMaterial(env.database.db, env.storage, { uploaderId, status: "active", ageMinutes: 120 });
    const deleted = await seedMaterial(env.database.db, env.storage, { uploaderId, status: "hidden", ageMinutes: 120 });
    const keysOf = (id: number) => [
      pagePreviewKey(uploaderId, id, 1),
      `${storyboardFolder(uploaderId, id)}storyboard.vtt`,
      `${storyboardFolder(uploaderId, id)}sprite-1.jpg`,
    ];
    for (const key of [...keysOf(live.id), ...keysOf(deleted.id)]) await putObject(env.storage, key);
    await service({ now: hoursFromNow(2) }).run(orphansOnly);
    for (const key of keysOf(live.id)) expect(await env.storage.exists(key)).toBe(true);
    for (const key of keysOf(deleted.id)) expect(await env.storage.exists(key)).toBe(false);
  });
});
