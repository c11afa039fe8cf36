import type { Logger } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { schema } from "../../packages/db/src/index";
import { type MaterialListQuery, MaterialsRepository } from "../../packages/db/src/repositories/materials";

export interface Statement {
  sql: string;
  params: unknown[];
}

/**
 * The SQL text and parameters `MaterialsRepository.listActive` runs for each
 * query, captured from Drizzle's query log while it runs them (so benchmarks
 * explain or replay exactly what production sends, without production code
 * for it).
 */
export async function listActiveStatements(url: string, queries: MaterialListQuery[]): Promise<Statement[]> {
  let last: Statement | undefined;
  const logger: Logger = {
    logQuery: (sql, params) => {
      last = { sql, params };
    },
  };
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const repository = new MaterialsRepository(drizzle(client, { schema, logger }));
    const statements: Statement[] = [];
    for (const query of queries) {
      last = undefined;
      await repository.listActive(query);
      if (!last) throw new Error("Drizzle logged no query for listActive");
      statements.push(last);
    }
    return statements;
  } finally {
    await client.end({ timeout: 5 });
  }
}
