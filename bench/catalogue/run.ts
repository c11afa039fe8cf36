/**
 * Catalogue list benchmark at 10k materials: requests per second and p99 of
 * the API's authenticated `GET /api/v1/materials?page=1&page_size=20`
 * against a bare Fastify route running the same SQL with postgres.js, both
 * over real sockets, measured in the same run. The two are measured in short
 * alternating slices, so background load on the machine falls on both alike.
 *
 *   pnpm bench:catalogue     (tsx bench/catalogue/run.ts [materials] [slices] [slice seconds] [connections])
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { likeEveryFourth, seedCatalogue } from "./seed";

const materials = Number(process.argv[2] ?? 10_000);
const slices = Number(process.argv[3] ?? 10);
const seconds = Number(process.argv[4] ?? 3);
const connections = Number(process.argv[5] ?? 10);
const APP_PORT = 18_431;
const BASELINE_PORT = 18_432;

const out = (line = "") => process.stdout.write(`${line}\n`);
const children: ChildProcess[] = [];

async function startServer(args: string[]): Promise<void> {
  const script = fileURLToPath(new URL("./server.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], { stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  let output = "";
  child.stdout?.setEncoding("utf8");
  child.stdout?.on("data", (chunk: string) => {
    output += chunk;
  });
  const started = Date.now();
  while (!output.includes("ready")) {
    if (child.exitCode !== null) throw new Error(`server ${args[0]} exited with ${child.exitCode}`);
    if (Date.now() - started > 60_000) throw new Error(`server ${args[0]} did not start`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${init?.method ?? "GET"} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

interface Page {
  items: { id: number; is_liked: boolean }[];
  total: number;
}

interface Measurement {
  rps: number;
  p50: number;
  p99: number;
}

async function measure(url: string, headers: Record<string, string>, duration: number): Promise<Measurement> {
  const result = await autocannon({ url, connections, duration, headers });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

try {
  out(`seeding ${materials} materials...`);
  const url = await seedCatalogue(materials);
  await startServer(["app", url, String(APP_PORT)]);

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
  await startServer(["baseline", url, String(BASELINE_PORT), String(user.id)]);

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
  await measure(target.api.url, target.api.headers, 3);
  await measure(target.baseline.url, target.baseline.headers, 3);

  const results: Record<"api" | "baseline", Measurement[]> = { api: [], baseline: [] };
  for (let slice = 1; slice <= slices; slice++) {
    // Alternate which goes first, so neither always follows the other.
    const order = slice % 2 === 1 ? (["api", "baseline"] as const) : (["baseline", "api"] as const);
    for (const name of order) results[name].push(await measure(target[name].url, target[name].headers, seconds));
    const [a, b] = [results.api.at(-1), results.baseline.at(-1)];
    out(
      `slice ${String(slice).padStart(2)}  api ${a?.rps.toFixed(0).padStart(5)} req/s p99 ${String(a?.p99).padStart(3)} ms   baseline ${b?.rps.toFixed(0).padStart(5)} req/s p99 ${String(b?.p99).padStart(3)} ms`,
    );
  }
  const median = (values: number[]) => {
    const sorted = [...values].sort((x, y) => x - y);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  };
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
  for (const child of children) child.kill("SIGTERM");
  await Promise.all(children.map((child) => (child.exitCode === null ? once(child, "exit") : undefined)));
}
