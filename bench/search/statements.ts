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

/** What `GET /search` runs for one query: the ranked page, then the page's rows, matches and stems. */
export interface SearchStatements {
  ranked: Statement;
  rows: Statement;
  matches: Statement;
  /** Absent for a query of Chinese only (no words to stem). */
  stems?: Statement;
}

/** The value of the material-ids parameter in `rows` and `matches`, to be replaced by the page's ids. */
export const IDS_PARAMETER = (params: unknown[]): number => params.findIndex((param) => Array.isArray(param));

/**
 * The SQL texts and parameters `SearchRepository` runs for each query, captured from Drizzle's query log
 * while it runs them (as bench/catalogue does), so the baseline replays exactly what production sends.
 */
export async function searchStatements(url: string, queries: string[], pageSize: number): Promise<SearchStatements[]> {
  const logged: Statement[] = [];
  const logger: Logger = { logQuery: (sql, params) => void logged.push({ sql, params }) };
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const repository = new SearchRepository(drizzle(client, { schema, logger }));
    const result: SearchStatements[] = [];
    for (const q of queries) {
      const query = buildSearchQuery(q);
      if (!query) throw new Error(`nothing searchable in ${q}`);
      logged.length = 0;
      const { hits } = await repository.search({ query, page: 1, pageSize });
      await repository.contentMatches(
        hits.map((hit) => hit.id),
        query,
      );
      await repository.stems(query);
      const [ranked, rows, matches, stems] = logged;
      if (!ranked || !rows || !matches) throw new Error(`expected 3 or 4 statements for ${q}, got ${logged.length}`);
      result.push({ ranked, rows, matches, stems });
    }
    return result;
  } finally {
    await client.end({ timeout: 5 });
  }
}
