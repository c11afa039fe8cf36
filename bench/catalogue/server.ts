/**
 * One server of the catalogue benchmark, in its own process so the load
 * generator does not share its event loop. Prints `ready` once listening.
 *
 *   tsx bench/catalogue/server.ts app <database-url> <port>
 *   tsx bench/catalogue/server.ts baseline <database-url> <port> <viewer-id>
 */
import Fastify from "fastify";
import postgres from "postgres";
import { startApiServer } from "../support/api-server";
import { listActiveStatements } from "./statement";

const [kind, url = "", portArg = "0", viewerArg = "0"] = process.argv.slice(2);
const port = Number(portArg);

/**
 * A bare Fastify route running the same two statements as the API's list
 * (the page query text exactly as the repository builds it, and the count),
 * concurrently, with postgres.js, answering with plain JSON.
 */
async function startBaseline() {
  const sql = postgres(url, { max: 10, onnotice: () => {} });
  // Drizzle only renders SQL here; the statements run on the bare postgres.js client.
  const [page] = await listActiveStatements(url, [
    { page: 1, pageSize: 20, sortBy: "created_at", sortOrder: "desc", viewerId: Number(viewerArg) },
  ]);
  if (!page) throw new Error("no statement captured");
  const countSql = `select count(*) from "materials" where "materials"."status" = 'active'`;

  const app = Fastify({ logger: false });
  app.get("/baseline", async () => {
    const [items, [counted]] = await Promise.all([
      // Named server-side statements, as the repository's prepared queries use.
      sql.unsafe(page.sql, page.params as never[], { prepare: true }),
      sql.unsafe(countSql, [], { prepare: true }),
    ]);
    const total = Number(counted?.count ?? 0);
    return { items, total, page: 1, page_size: 20, total_pages: Math.ceil(total / 20) };
  });
  await app.listen({ host: "127.0.0.1", port });
}

await (kind === "app" ? startApiServer(url, port) : startBaseline());
process.stdout.write("ready\n");
