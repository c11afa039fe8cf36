import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema";

export type Database = PostgresJsDatabase<typeof schema>;

export interface DatabaseHandle {
  db: Database;
  /** The raw postgres.js client, for health checks and benchmarks. */
  sql: postgres.Sql;
  close(timeoutSeconds?: number): Promise<void>;
}

export interface DatabaseOptions {
  url: string;
  poolMax?: number;
  /** Seconds a connection attempt may take before the query fails (keeps health checks bounded). */
  connectTimeoutSeconds?: number;
  /**
   * PostgreSQL's `statement_timeout` for every session of the pool: the server cancels a statement
   * running longer (57014). Unset means none (the worker's long jobs have their own timeouts).
   */
  statementTimeoutMs?: number;
}

export function createDatabase(options: DatabaseOptions): DatabaseHandle {
  const sql = postgres(options.url, {
    max: options.poolMax ?? 10,
    connect_timeout: options.connectTimeoutSeconds ?? 5,
    idle_timeout: 30,
    onnotice: () => {},
    ...(options.statementTimeoutMs === undefined
      ? {}
      : { connection: { statement_timeout: options.statementTimeoutMs } }),
  });
  const db = drizzle(sql, { schema });
  return {
    db,
    sql,
    close: (timeoutSeconds = 5) => sql.end({ timeout: timeoutSeconds }),
  };
}
