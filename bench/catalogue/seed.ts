import postgres from "postgres";
import { runMigrations } from "../../packages/db/src/index";
import { databaseUrl, LOCAL_POSTGRES_ADMIN_URL } from "../../packages/testing/src/constants";

/**
 * A fresh, migrated database with `materials` rows (about 85% active, a third
 * of them PDFs) from 200 uploaders. View and like counts take few distinct
 * values, so the sort orders are full of ties, as in real catalogues.
 * Returns its URL.
 */
export async function seedCatalogue(materials: number): Promise<string> {
  const name = `lh_bench_catalogue_${materials}`;
  const admin = postgres(LOCAL_POSTGRES_ADMIN_URL, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = databaseUrl(LOCAL_POSTGRES_ADMIN_URL, name);
  await runMigrations(url);
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`
      insert into users (email, name, password_hash, avatar_url)
      select 'uploader' || g || '@example.com', 'Uploader ' || g, 'not-a-hash',
             case when g % 2 = 0 then 'https://example.com/a/' || g || '.png' end
      from generate_series(1, 200) g`;
    await sql`
      insert into materials (title, description, type, file_path, file_size, file_format, thumbnail_path,
                             thumbnail_status, uploader_id, view_count, like_count, status, created_at, updated_at)
      select 'Material ' || g, 'Description of material ' || g,
             (case when g % 3 = 0 then 'pdf' else 'video' end)::material_type,
             'materials/' || (1 + g % 200) || '/20240115_083000_' || g || '.bin',
             1000 + g, case when g % 3 = 0 then 'pdf' else 'mp4' end,
             'thumbnails/' || (1 + g % 200) || '/' || g || '.jpg', 'completed',
             1 + g % 200, (g::bigint * 7919) % 500, (g::bigint * 104729) % 50,
             (case when g % 10 = 0 then 'hidden' when g % 20 = 1 then 'processing' else 'active' end)::material_status,
             timestamptz '2024-01-01' + ((g % 5000) || ' minutes')::interval, now()
      from generate_series(1, ${materials}) g`;
    // A steady state: statistics and the visibility map as autovacuum would leave them.
    await sql`vacuum analyze`;
  } finally {
    await sql.end();
  }
  return url;
}

/** Likes from one user on every fourth material, so `is_liked` has true answers to compute. */
export async function likeEveryFourth(url: string, userId: number): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`insert into likes (user_id, material_id) select ${userId}, id from materials where id % 4 = 0`;
    await sql`vacuum analyze likes`;
  } finally {
    await sql.end();
  }
}
