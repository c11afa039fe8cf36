import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";

/** Arbitrary constant: the advisory lock key every process takes before migrating. */
const MIGRATION_LOCK_KEY = 727_001;

export const DEFAULT_MIGRATIONS_FOLDER = fileURLToPath(new URL("../drizzle", import.meta.url));

/**
 * Applies pending migrations. Safe when several processes start at once: they
 * queue on a PostgreSQL advisory lock and the later ones find nothing to do.
 */
export async function runMigrations(url: string, migrationsFolder = DEFAULT_MIGRATIONS_FOLDER): Promise<void> {
  // One connection, so the session-level lock and the migration share it.
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    try {
      await migrate(drizzle(sql), { migrationsFolder });
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}
