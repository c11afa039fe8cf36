import postgres from "postgres";

/**
 * The machine's own services on their usual ports, which the benchmarks use. Tests get theirs from
 * `testServices()` instead (those of DATABASE_URL / REDIS_URL, or private ones the test run started).
 */
export const LOCAL_POSTGRES_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres";
export const LOCAL_REDIS_URL = "redis://127.0.0.1:6379";
export const TEMPLATE_DATABASE_PREFIX = "lh_test_template_";

/** The URL of database `name` on the server of `serverUrl`. */
export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs one statement on the server of `serverUrl` (create/drop database cannot run in a transaction). */
export async function adminQuery(serverUrl: string, statement: string): Promise<void> {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(statement);
  } finally {
    await admin.end();
  }
}
