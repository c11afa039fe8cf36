import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMigrations } from "../src";
import { admin, testDatabaseUrl } from "./test-server";

const name = `lh_test_migrate_${randomBytes(4).toString("hex")}`;
const url = testDatabaseUrl(name);

describe("runMigrations", () => {
  beforeAll(() => admin(`create database ${name}`));
  afterAll(() => admin(`drop database if exists ${name} with (force)`));

  it("is safe when several processes start at once: each migration is applied exactly once", async () => {
    // Without the advisory lock, concurrent runs race on `create type` / `create table` and fail.
    await Promise.all(Array.from({ length: 5 }, () => runMigrations(url)));
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const applied = await sql`select count(*)::int as n from drizzle.__drizzle_migrations`;
      const tables =
        await sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`;
      expect(applied[0]?.n).toBeGreaterThan(0);
      expect(tables.map((t) => t.table_name)).toEqual([
        "audit_log",
        "auth_sessions",
        "caption_cues",
        "job_runs",
        "likes",
        "material_captions",
        "material_content_vectors",
        "material_pages",
        "materials",
        "page_previews",
        "queue_controls",
        "resumable_upload_locks",
        "resumable_uploads",
        "scheduled_jobs",
        "users",
      ]);
      // A later start finds nothing to do.
      await runMigrations(url);
      const again = await sql`select count(*)::int as n from drizzle.__drizzle_migrations`;
      expect(again[0]?.n).toBe(applied[0]?.n);
    } finally {
      await sql.end();
    }
  });
});
