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
import { searchStatements } from "./statements";

const [kind, url = "", portArg = "0", ...queries] = process.argv.slice(2);
const port = Number(portArg);
const PAGE_SIZE = 20;

/**
 * A bare Fastify route running the statement the API's search runs (captured from the repository, see
 * statements.ts) on postgres.js, answering with the plain rows.
 */
async function startBaseline() {
  const sql = postgres(url, { max: 10, onnotice: () => {} });
  const captured = await searchStatements(url, queries, PAGE_SIZE);
  const prepared = new Map(queries.map((q, index) => [q, captured[index]]));

  const app = Fastify({ logger: false });
  app.get<{ Querystring: { q: string } }>("/baseline", async (request) => {
    const statement = prepared.get(request.query.q);
    if (!statement) throw new Error("unknown query");
    const rows = await sql.unsafe(statement.sql, statement.params as never[], { prepare: true });
    const total = Number(rows[0]?.total ?? 0);
    return { items: rows, total, page: 1, page_size: PAGE_SIZE, total_pages: Math.ceil(total / PAGE_SIZE) };
  });
  await app.listen({ host: "127.0.0.1", port });
}

await (kind === "app" ? startApiServer(url, port) : startBaseline());
process.stdout.write("ready\n");
