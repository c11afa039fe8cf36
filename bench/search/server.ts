/**
 * One server of the search benchmark, in its own process so the load generator does not share its event
 * loop. Prints `ready` once listening.
 *
 *   tsx bench/search/server.ts app <database-url> <port>
 *   tsx bench/search/server.ts baseline <database-url> <port> <query>...
 */
import Fastify from "fastify";
import postgres from "postgres";
import { startApiServer } from "../support/api-server";
import { IDS_PARAMETER, type Statement, searchStatements } from "./statements";

const [kind, url = "", portArg = "0", ...queries] = process.argv.slice(2);
const port = Number(portArg);
const PAGE_SIZE = 20;

/**
 * A bare Fastify route running the statements the API's search runs (captured from the repository, see
 * statements.ts) on postgres.js: the ranked page, then the page's catalogue rows, content matches and query
 * stems together; answering with the plain rows.
 */
async function startBaseline() {
  const sql = postgres(url, { max: 10, onnotice: () => {} });
  const captured = await searchStatements(url, queries, PAGE_SIZE);
  const prepared = new Map(queries.map((q, index) => [q, captured[index]]));
  const withIds = (statement: Statement, ids: number[]) => {
    const params = [...statement.params];
    params[IDS_PARAMETER(params)] = ids;
    return params as never[];
  };

  const app = Fastify({ logger: false });
  app.get<{ Querystring: { q: string } }>("/baseline", async (request) => {
    const statements = prepared.get(request.query.q);
    if (!statements) throw new Error("unknown query");
    const ranked = await sql.unsafe(statements.ranked.sql, statements.ranked.params as never[], { prepare: true });
    const ids = ranked.map((row) => row.id as number);
    const [rows, matches, stems] = await Promise.all([
      sql.unsafe(statements.rows.sql, withIds(statements.rows, ids), { prepare: true }),
      sql.unsafe(statements.matches.sql, withIds(statements.matches, ids), { prepare: true }),
      statements.stems && sql.unsafe(statements.stems.sql, statements.stems.params as never[], { prepare: true }),
    ]);
    const total = Number(ranked[0]?.total ?? 0);
    return {
      items: rows,
      matches,
      stems,
      total,
      page: 1,
      page_size: PAGE_SIZE,
      total_pages: Math.ceil(total / PAGE_SIZE),
    };
  });
  await app.listen({ host: "127.0.0.1", port });
}

await (kind === "app" ? startApiServer(url, port) : startBaseline());
process.stdout.write("ready\n");
