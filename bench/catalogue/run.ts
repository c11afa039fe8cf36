/**
 * Catalogue list benchmark at 10k materials: requests per second and p99 of
 * the API's authenticated `GET /api/v1/materials?page=1&page_size=20`
 * against a bare Fastify route running the same SQL with postgres.js, both
 * over real sockets, measured in the same run. The two are measured in short
 * alternating slices, so background load on the machine falls on both alike.
 *
 *   pnpm bench:catalogue     (tsx bench/catalogue/run.ts [materials] [slices] [slice seconds] [connections])
 */
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { type Measurement, measure, median } from "../support/load";
import { ServerProcesses } from "../support/server-processes";
import { likeEveryFourth, seedCatalogue } from "./seed";

const materials = Number(process.argv[2] ?? 10_000);
const slices = Number(process.argv[3] ?? 10);
const seconds = Number(process.argv[4] ?? 3);
const connections = Number(process.argv[5] ?? 10);
const APP_PORT = 18_431;
const BASELINE_PORT = 18_432;

const out = (line = "") => process.stdout.write(`${line}\n`);
const servers = new ServerProcesses();
const serverScript = fileURLToPath(new URL("./server.ts", import.meta.url));

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${init?.method ?? "GET"} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

interface Page {
  items: { id: number; is_liked: boolean }[];
  total: number;
}

try {
  out(`seeding ${materials} materials...`);
  const url = await seedCatalogue(materials);
  await servers.start(serverScript, ["app", url, String(APP_PORT)]);

  const api = `http://127.0.0.1:${APP_PORT}/api/v1`;
  const credentials = { email: "bench@example.com", name: "Bench", password: "bench-password-123" };
  const post = <T>(path: string, body: unknown) =>
    json<T>(`${api}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const user = await post<{ id: number }>("/auth/register", credentials);
  const { access_token: token } = await post<{ access_token: string }>("/auth/login", credentials);
  await likeEveryFourth(url, user.id);
  await servers.start(serverScript, ["baseline", url, String(BASELINE_PORT), String(user.id)]);

  const target = {
    api: { url: `${api}/materials?page=1&page_size=20`, headers: { authorization: `Bearer ${token}` } },
    baseline: { url: `http://127.0.0.1:${BASELINE_PORT}/baseline`, headers: {} },
  };

  // Both answer the same page, and the API computes is_liked for the caller.
  const fromApi = await json<Page>(target.api.url, { headers: target.api.headers });
  const fromBaseline = await json<Page>(target.baseline.url);
  const ids = (body: Page) => body.items.map((m) => m.id).join(",");
  if (ids(fromApi) !== ids(fromBaseline) || fromApi.total !== fromBaseline.total) throw new Error("pages differ");
  if (!fromApi.items.some((m) => m.is_liked)) throw new Error("no is_liked=true on the page");

  out(`warming up (${connections} connections)...`);
  await measure(target.api.url, { connections, duration: 3, headers: target.api.headers });
  await measure(target.baseline.url, { connections, duration: 3, headers: target.baseline.headers });

  const results: Record<"api" | "baseline", Measurement[]> = { api: [], baseline: [] };
  for (let slice = 1; slice <= slices; slice++) {
    // Alternate which goes first, so neither always follows the other.
    const order = slice % 2 === 1 ? (["api", "baseline"] as const) : (["baseline", "api"] as const);
    for (const name of order)
      results[name].push(
        await measure(target[name].url, { connections, duration: seconds, headers: target[name].headers }),
      );
    const [a, b] = [results.api.at(-1), results.baseline.at(-1)];
    out(
      `slice ${String(slice).padStart(2)}  api ${a?.rps.toFixed(0).padStart(5)} req/s p99 ${String(a?.p99).padStart(3)} ms   baseline ${b?.rps.toFixed(0).padStart(5)} req/s p99 ${String(b?.p99).padStart(3)} ms`,
    );
  }
  const sum = (list: Measurement[]) => list.reduce((total, m) => total + m.rps, 0);
  const rpsRatio = sum(results.api) / sum(results.baseline);
  const apiP99 = median(results.api.map((m) => m.p99));
  const baseP99 = median(results.baseline.map((m) => m.p99));
  const medianRps = (list: Measurement[]) => median(list.map((m) => m.rps)).toFixed(0);
  out();
  const medianP50 = (list: Measurement[]) => median(list.map((m) => m.p50));
  out(`${materials} materials, ${connections} connections, ${slices} slices of ${seconds} s per side`);
  out(`machine: ${cpus().length} CPUs, load average ${loadavg()[0]?.toFixed(1)} (1 min) at the end`);
  out(
    `  api       median ${medianRps(results.api)} req/s, median p50 ${medianP50(results.api)} ms, median p99 ${apiP99} ms`,
  );
  out(
    `  baseline  median ${medianRps(results.baseline)} req/s, median p50 ${medianP50(results.baseline)} ms, median p99 ${baseP99} ms`,
  );
  out(`  req/s api/baseline (all slices) ${rpsRatio.toFixed(2)}  goal >= 0.80: ${rpsRatio >= 0.8 ? "met" : "NOT met"}`);
  out(
    `  p99 api/baseline ${(apiP99 / baseP99).toFixed(2)}; api p99 ${apiP99} ms  goal <= 25 ms: ${apiP99 <= 25 ? "met" : "NOT met"}`,
  );
} finally {
  await servers.stopAll();
}
