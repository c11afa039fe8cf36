import { CleanupRepository } from "@learning-hub/db/repositories/cleanup";
import { createTestEnvironment, type TestEnvironment } from "@learning-hub/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { CleanupService, DRY_RUN_LIST_LIMIT } from "../../src/services/cleanup-service";
import { listKeys, putObject, seedMaterial, seedUploader } from "../support/cleanup-fixtures";

let env: TestEnvironment | undefined;
let uploaderId: number;

const everything = { cleanupProcessing: true, cleanupOrphans: true, maxAgeMinutes: 30 };

// A fresh database and bucket per test: a dry run lists whatever is there.
beforeEach(async () => {
  await env?.dispose();
  env = await createTestEnvironment();
  uploaderId = await seedUploader(env.database.db);
});
afterAll(() => env?.dispose());

/** Without a grace period by default, so the objects a test just stored count as orphans. */
function service(orphanGraceMinutes = 0) {
  if (!env) throw new Error("no environment");
  return new CleanupService({
    repository: new CleanupRepository(env.database.db),
    storage: env.storage,
    orphanGraceMinutes,
  });
}

async function materialIds(): Promise<number[]> {
  if (!env) throw new Error("no environment");
  const rows = await env.database.db.execute<{ id: number }>(sql`select id from materials order by id`);
  return rows.map((row) => Number(row.id));
}

describe("cleanup dry run", () => {
  it("lists exactly what a real run then removes, and removes nothing itself", async () => {
    if (!env) throw new Error("no environment");
    const { db } = env.database;
    const seed = (status: "processing" | "active", ageMinutes: number, withThumbnail = false) =>
      seedMaterial(db, env?.storage as TestEnvironment["storage"], {
        uploaderId,
        status,
        ageMinutes,
        withFile: true,
        withThumbnail,
      });
    const stale = await seed("processing", 45, true);
    // A stale upload cut off before its file was stored: its row goes, no file is listed.
    const noFile = await seedMaterial(db, env.storage, { uploaderId, status: "processing", ageMinutes: 40 });
    await seed("processing", 10);
    await seed("active", 600, true);
    const orphans = [`materials/${uploaderId}/20240101_000000_lost.mp4`, `thumbnails/${uploaderId}/999999.jpg`];
    for (const key of orphans) await putObject(env.storage, key);
    await putObject(env.storage, "placeholders/video.jpg");
    const rowsBefore = await materialIds();
    const keysBefore = await listKeys(env.storage);

    const preview = await service().preview(everything);

    expect(preview.records).toEqual({ ids: [stale.id, noFile.id], total: 2 });
    const expectedFiles = [stale.filePath, stale.thumbnailPath, ...orphans].sort();
    expect([...preview.files.keys].sort()).toEqual(expectedFiles);
    expect(preview.files.total).toBe(4);
    expect(preview.errors).toEqual([]);
    expect(preview.durationSeconds).toBeGreaterThanOrEqual(0);
    expect(await materialIds()).toEqual(rowsBefore);
    expect(await listKeys(env.storage)).toEqual(keysBefore);

    const outcome = await service().run(everything);
    expect(outcome).toMatchObject({ cleanedRecords: 2, cleanedFiles: 4, errors: [] });
    const keysAfter = await listKeys(env.storage);
    expect(keysBefore.filter((key) => !keysAfter.includes(key)).sort()).toEqual(expectedFiles);
    const rowsAfter = await materialIds();
    expect(rowsBefore.filter((id) => !rowsAfter.includes(id))).toEqual([stale.id, noFile.id]);
  });

  it("follows the parameters: no orphans unless asked, only rows past max_age", async () => {
    if (!env) throw new Error("no environment");
    const stale = await seedMaterial(env.database.db, env.storage, {
      uploaderId,
      status: "processing",
      ageMinutes: 50,
      withFile: true,
    });
    await putObject(env.storage, `materials/${uploaderId}/20240101_000000_lost.mp4`);

    const processingOnly = await service().preview({ ...everything, cleanupOrphans: false });
    expect(processingOnly.records.ids).toEqual([stale.id]);
    expect(processingOnly.files.keys).toEqual([stale.filePath]);

    const olderThanAnHour = await service().preview({
      ...everything,
      maxAgeMinutes: 60,
      cleanupOrphans: false,
    });
    expect(olderThanAnHour.records).toEqual({ ids: [], total: 0 });
    // Orphans only, and still within the grace period.
    expect((await service(60).preview({ ...everything, cleanupProcessing: false })).files).toEqual({
      keys: [],
      total: 0,
    });
  });

  it(`lists at most ${DRY_RUN_LIST_LIMIT} records and counts them all`, async () => {
    if (!env) throw new Error("no environment");
    const extra = DRY_RUN_LIST_LIMIT + 205;
    await env.database.db.execute(sql`
      insert into materials (title, type, file_path, file_format, uploader_id, status, created_at)
      select 'Stale', 'video', 'materials/' || ${uploaderId} || '/stale_' || n || '.mp4', 'mp4', ${uploaderId},
             'processing', now() - interval '2 hours' + n * interval '1 millisecond'
      from generate_series(1, ${extra}) as n`);

    const preview = await service().preview({ ...everything, cleanupOrphans: false });

    expect(preview.records.total).toBe(extra);
    expect(preview.records.ids).toHaveLength(DRY_RUN_LIST_LIMIT);
    expect(new Set(preview.records.ids).size).toBe(DRY_RUN_LIST_LIMIT);
    // No objects were stored for them: nothing to list, nothing counted.
    expect(preview.files).toEqual({ keys: [], total: 0 });
    expect(await materialIds()).toHaveLength(extra);
  });
});
