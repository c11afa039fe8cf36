import postgres from "postgres";
import { inject } from "vitest";

// Provided by the test run's global setup (packages/testing, which depends on this package: not imported).
declare module "vitest" {
  export interface ProvidedContext {
    postgresAdminUrl: string;
  }
}

/** A URL on the test run's PostgreSQL server, for creating and dropping databases. */
export const TEST_POSTGRES_ADMIN_URL = inject("postgresAdminUrl");

/** The URL of database `name` on the test run's PostgreSQL server. */
export const testDatabaseUrl = (name: string): string =>
  Object.assign(new URL(TEST_POSTGRES_ADMIN_URL), { pathname: `/${name}` }).toString();

/** Runs one statement (e.g. `create database`) on the test run's PostgreSQL server, on a connection of its own. */
export async function admin(statement: string): Promise<void> {
  const sql = postgres(TEST_POSTGRES_ADMIN_URL, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(statement);
  } finally {
    await sql.end();
  }
}
