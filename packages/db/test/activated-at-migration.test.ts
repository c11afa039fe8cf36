import { randomBytes } from "node:crypto";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, DEFAULT_MIGRATIONS_FOLDER, runMigrations } from "../src";
import { LikesRepository } from "../src/repositories/likes";
import { MaterialsRepository } from "../src/repositories/materials";
import { ThumbnailsRepository } from "../src/repositories/thumbnails";
import { UploadsRepository } from "../src/repositories/uploads";
import { admin, testDatabaseUrl } from "./test-server";

const name = `lh_test_activated_${randomBytes(4).toString("hex")}`;
const url = testDatabaseUrl(name);

/** A copy of the migrations folder holding only those before `tag`. */
async function migrationsBefore(tag: string): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), "lh-migrations-"));
  await cp(DEFAULT_MIGRATIONS_FOLDER, folder, { recursive: true });
  const journalPath = join(folder, "meta", "_journal.json");
  const journal = JSON.parse(await readFile(journalPath, "utf8")) as { entries: { tag: string }[] };
  const index = journal.entries.findIndex((entry) => entry.tag === tag);
  if (index < 0) throw new Error(`no migration ${tag}`);
  await writeFile(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, index) }));
  return folder;
}

describe("materials.activated_at migration", () => {
  let before: string;
  beforeAll(async () => {
    await admin(`create database ${name}`);
    before = await migrationsBefore("0001_materials_activated_at");
  });
  afterAll(async () => {
    await admin(`drop database if exists ${name} with (force)`);
    await rm(before, { recursive: true, force: true });
  });

  it("backfills active materials from updated_at and leaves the others without one", async () => {
    await runMigrations(url, before);
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const [user] = await sql`
        insert into users (email, name, password_hash) values ('a@example.com', 'A', 'x') returning id`;
      const rows = await sql`
        insert into materials (title, type, file_path, file_format, uploader_id, status, updated_at)
        values
          ('active', 'pdf', 'm/1.pdf', 'pdf', ${user?.id}, 'active', '2024-01-15T08:30:00Z'),
          ('processing', 'pdf', 'm/2.pdf', 'pdf', ${user?.id}, 'processing', '2024-01-15T08:30:00Z'),
          ('hidden', 'pdf', 'm/3.pdf', 'pdf', ${user?.id}, 'hidden', '2024-01-15T08:30:00Z')
        returning id, status`;
      expect(rows).toHaveLength(3);

      await runMigrations(url);

      const after = await sql<{ status: string; activated_at: Date | null }[]>`
        select status, activated_at from materials order by id`;
      expect(after.map((row) => [row.status, row.activated_at?.toISOString() ?? null])).toEqual([
        ["active", "2024-01-15T08:30:00.000Z"],
        ["processing", null],
        ["hidden", null],
      ]);
    } finally {
      await sql.end();
    }
  });

  it("sets activated_at on activation; updated_at moves on edits only", async () => {
    const database = createDatabase({ url, poolMax: 1 });
    const stamps = async (id: number) => {
      // Epoch milliseconds: this client hands timestamps over as text.
      const [row] = await database.sql<{ updated_at: number; activated_at: number | null }[]>`
        select (extract(epoch from updated_at) * 1000)::float8 as updated_at,
               (extract(epoch from activated_at) * 1000)::float8 as activated_at
        from materials where id = ${id}`;
      if (!row) throw new Error(`material ${id} is gone`);
      return { updatedAt: row.updated_at, activatedAt: row.activated_at };
    };
    const backdate = (id: number) =>
      database.sql`update materials set updated_at = '2024-01-01T00:00:00Z' where id = ${id}`;
    const old = Date.parse("2024-01-01T00:00:00Z");
    try {
      const [user] = await database.sql`
        insert into users (email, name, password_hash) values ('b@example.com', 'B', 'x') returning id`;
      const uploads = new UploadsRepository(database.db);
      const row = await uploads.insertProcessing({
        uploaderId: Number(user?.id),
        title: "t",
        description: null,
        type: "pdf",
        fileFormat: "pdf",
        filePath: "m/rule.pdf",
      });
      if (!row) throw new Error("not inserted");
      expect((await stamps(row.id)).activatedAt).toBeNull();
      await backdate(row.id);

      await uploads.activate(row.id, { title: "t", description: null, fileSize: 1 });
      const activated = await stamps(row.id);
      expect(activated.activatedAt).toEqual(expect.any(Number));
      expect(activated.updatedAt).toBeGreaterThan(old);

      // Not edits: a like, a thumbnail result.
      await backdate(row.id);
      await new LikesRepository(database.db).toggle(Number(user?.id), row.id);
      const thumbnails = new ThumbnailsRepository(database.db);
      await thumbnails.markCompleted(row.id, "thumbnails/1/1.jpg", {
        durationSeconds: null,
        width: 1,
        height: 1,
        pageCount: 1,
      });
      expect(await stamps(row.id)).toEqual({ updatedAt: old, activatedAt: activated.activatedAt });

      // An edit: hiding it.
      await new MaterialsRepository(database.db).hide(row.id);
      expect((await stamps(row.id)).updatedAt).toBeGreaterThan(old);
    } finally {
      await database.close();
    }
  });
});
