import type { Logger } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { schema } from "../../packages/db/src/index";
import { SearchRepository } from "../../packages/db/src/repositories/search";
import { buildSearchQuery } from "../../packages/db/src/search/index";

export interface Statement {
  sql: string;
  params: unknown[];
}

/**
 * The SQL text and parameters `SearchRepository` runs for each query (one statement: the ranked page with its
 * rows, matches, total and stems), captured from Drizzle's query log while it runs them (as bench/catalogue
 * does), so the baseline replays exactly what production sends.
 */
export async function searchStatements(url: string, queries: string[], pageSize: number): Promise<Statement[]> {
  const logged: Statement[] = [];
  const logger: Logger = { logQuery: (sql, params) => void logged.push({ sql, params }) };
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const repository = new SearchRepository(drizzle(client, { schema, logger }));
    const result: Statement[] = [];
    for (const q of queries) {
      const query = buildSearchQuery(q);
      if (!query) throw new Error(`nothing searchable in ${q}`);
      logged.length = 0;
      await repository.searchPage({ query, page: 1, pageSize });
      const [statement] = logged;
      if (!statement || logged.length !== 1) throw new Error(`expected 1 statement for ${q}, got ${logged.length}`);
      result.push(statement);
    }
    return result;
  } finally {
    await client.end({ timeout: 5 });
  }
}
