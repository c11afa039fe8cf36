/**
 * Search benchmark: `GET /api/v1/search` over 100,000 materials and 1,000,000 pages of mixed Chinese/English
 * text (generated, reproducible; see seed.ts), p50/p99 at 4 connections for four kinds of query, and req/s
 * against a bare Fastify route running the same statements with postgres.js (server.ts), both over real
 * sockets, measured in the same run in short alternating slices. Also prints the CPU each side spends per
 * request, in its server process and in PostgreSQL (Linux /proc), which explains the ratio, and the index size
 * per page.
 *
 *   tsx bench/search/run.ts [materials] [pages] [slices] [slice seconds] [--reuse]
 *
 * `--reuse` keeps a database seeded by an earlier run with the same sizes (seeding a million pages takes
 * most of half an hour on 2 CPUs).
 */
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { databaseUrl, LOCAL_POSTGRES_ADMIN_URL } from "../../packages/testing/src/constants";
import { type Measurement, measure, median } from "../support/load";
import { cpuMilliseconds, totalCpuMilliseconds } from "../support/process-cpu";
import { ServerProcesses } from "../support/server-processes";
import { seedSearch } from "./seed";

const args = process.argv.slice(2).filter((arg) => !arg.startsWith("--"));
const reuse = process.argv.includes("--reuse");
const materials = Number(args[0] ?? 100_000);
const pages = Number(args[1] ?? 1_000_000);
const slices = Number(args[2] ?? 4);
const seconds = Number(args[3] ?? 3);
const CONNECTIONS = 4;
const APP_PORT = 18_441;
const BASELINE_PORT = 18_442;

/** One query per kind the issue names; their frequencies in the corpus are fixed by corpus.ts's anchors. */
const QUERIES = {
  "single English word": "descent",
  "two Chinese characters": "下降",
  "three words, mixed": "gradient descent 梯度",
  "prefix (search-as-you-type)": "stoch",
};

const out = (line = "") => process.stdout.write(`${line}\n`);
const servers = new ServerProcesses();
const serverScript = fileURLToPath(new URL("./server.ts", import.meta.url));

type Side = "api" | "baseline";

/** CPU spent on one side's requests: its server process and the PostgreSQL backends serving the database. */
class CpuAccount {
  private readonly spent = {
    api: { server: 0, database: 0, requests: 0 },
    baseline: { server: 0, database: 0, requests: 0 },
  };

  constructor(
    private readonly pids: Record<Side, number>,
    private readonly sql: postgres.Sql,
  ) {}

  /** Runs one slice of `side`, adding the CPU its server and the database's backends used meanwhile. */
  async slice(side: Side, run: () => Promise<Measurement>): Promise<Measurement> {
    const backends = (
      await this.sql<{ pid: number }[]>`
        select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`
    ).map((row) => row.pid);
    const server = cpuMilliseconds(this.pids[side]);
    const database = totalCpuMilliseconds(backends);
    const measurement = await run();
    const spent = this.spent[side];
    spent.server += cpuMilliseconds(this.pids[side]) - server;
    spent.database += totalCpuMilliseconds(backends) - database;
    spent.requests += measurement.requests;
    return measurement;
  }

  /** Milliseconds of CPU per request so far, and resets. */
  take(side: Side): { server: number; database: number } {
    const spent = this.spent[side];
    const perRequest = { server: spent.server / spent.requests, database: spent.database / spent.requests };
    this.spent[side] = { server: 0, database: 0, requests: 0 };
    return perRequest;
  }
}

async function indexSizes(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql`
      select (select count(*) from material_pages)::bigint as pages,
             pg_relation_size('material_pages_search_idx') as page_index,
             pg_total_relation_size('material_content_vectors') as content_vectors,
             pg_relation_size('material_pages') + pg_relation_size(
               (select reltoastrelid from pg_class where relname = 'material_pages')) as page_heap`;
    const perPage = (bytes: unknown) => (Number(bytes) / Number(row?.pages)).toFixed(0);
    out(
      `index size per page: page GIN ${perPage(row?.page_index)} B, content vectors (table + GIN) ${perPage(row?.content_vectors)} B;`,
    );
    out(`  page rows (text + vector, heap + TOAST) ${perPage(row?.page_heap)} B; ${row?.pages} pages`);
  } finally {
    await sql.end();
  }
}

try {
  const url = reuse
    ? databaseUrl(LOCAL_POSTGRES_ADMIN_URL, `lh_bench_search_${materials}_${pages}`)
    : await seedSearch({ materials, pages, pageCharacters: 400, seed: 13 }, out);
  const pids = {
    api: await servers.start(serverScript, ["app", url, String(APP_PORT)]),
    baseline: await servers.start(serverScript, ["baseline", url, String(BASELINE_PORT), ...Object.values(QUERIES)]),
  };
  const monitor = postgres(url, { max: 1, onnotice: () => {} });
  const cpu = new CpuAccount(pids, monitor);
  out(
    `${materials} materials, ${pages} pages; ${CONNECTIONS} connections, ${slices} slices of ${seconds} s per side and query`,
  );

  const rows: string[] = [];
  let apiTotal = 0;
  let baselineTotal = 0;
  for (const [kind, q] of Object.entries(QUERIES)) {
    const api = `http://127.0.0.1:${APP_PORT}/api/v1/search?q=${encodeURIComponent(q)}`;
    const baseline = `http://127.0.0.1:${BASELINE_PORT}/baseline?q=${encodeURIComponent(q)}`;
    const answer = (await (await fetch(api)).json()) as { total: number; total_capped: boolean };
    const bare = (await (await fetch(baseline)).json()) as { total: number };
    if (answer.total !== bare.total) throw new Error(`${q}: totals differ (${answer.total} vs ${bare.total})`);
    await measure(api, { connections: CONNECTIONS, duration: 1 });
    await measure(baseline, { connections: CONNECTIONS, duration: 1 });
    const results: Record<Side, Measurement[]> = { api: [], baseline: [] };
    for (let slice = 1; slice <= slices; slice++) {
      const order = slice % 2 === 1 ? (["api", "baseline"] as const) : (["baseline", "api"] as const);
      for (const name of order)
        results[name].push(
          await cpu.slice(name, () =>
            measure(name === "api" ? api : baseline, { connections: CONNECTIONS, duration: seconds }),
          ),
        );
    }
    const apiCpu = cpu.take("api");
    const baselineCpu = cpu.take("baseline");
    const sum = (list: Measurement[]) => list.reduce((total, m) => total + m.rps, 0);
    apiTotal += sum(results.api);
    baselineTotal += sum(results.baseline);
    const apiP50 = median(results.api.map((m) => m.p50));
    const apiP99 = median(results.api.map((m) => m.p99));
    const baseP99 = median(results.baseline.map((m) => m.p99));
    rows.push(
      `  ${kind.padEnd(28)} q=${q.padEnd(22)} ${`${answer.total}${answer.total_capped ? "+" : ""}`.padStart(6)} hits  api p50 ${apiP50} ms p99 ${apiP99} ms ` +
        `(goal <= 50: ${apiP99 <= 50 ? "met" : "NOT met"}), baseline p99 ${baseP99} ms, req/s api/baseline ${(sum(results.api) / sum(results.baseline)).toFixed(2)}\n` +
        `  ${"".padEnd(28)}   CPU ms per request, server + PostgreSQL: api ${apiCpu.server.toFixed(2)} + ${apiCpu.database.toFixed(2)}, ` +
        `baseline ${baselineCpu.server.toFixed(2)} + ${baselineCpu.database.toFixed(2)}`,
    );
    out(rows.at(-1));
  }
  out();
  out(`machine: ${cpus().length} CPUs, load average ${loadavg()[0]?.toFixed(1)} (1 min) at the end`);
  for (const row of rows) out(row);
  const ratio = apiTotal / baselineTotal;
  out(
    `  req/s api/baseline (all queries, all slices) ${ratio.toFixed(2)}  goal >= 0.80: ${ratio >= 0.8 ? "met" : "NOT met"}`,
  );
  await monitor.end();
  await indexSizes(url);
} finally {
  await servers.stopAll();
}
