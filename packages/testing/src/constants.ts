import postgres from "postgres";

/** Local services the test suite talks to; CI starts them (see .ci/run). */
export const TEST_POSTGRES_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres";
export const TEST_REDIS_URL = "redis://127.0.0.1:6379";
export const TEMPLATE_DATABASE_PREFIX = "lh_test_template_";

export const testDatabaseUrl = (name: string): string => `postgres://postgres@127.0.0.1:5432/${name}`;

/** Runs one statement on the maintenance database (create/drop database cannot run in a transaction). */
export async function adminQuery(statement: string): Promise<void> {
  const admin = postgres(TEST_POSTGRES_ADMIN_URL, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(statement);
  } finally {
    await admin.end();
  }
}
