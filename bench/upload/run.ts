/**
 * Upload benchmark, everything over real sockets and in separate processes
 * (client = this process, API = `apps/api/src/main.ts`, S3 = s3rver):
 *
 * 1. Throughput of `POST /api/v1/upload` of a `--mib` (200) MiB video divided by
 *    the throughput of a direct `storage.putStream` of the same bytes to the same
 *    s3rver, with the same part size and parallelism (goal >= 0.85). Rounds
 *    alternate which goes first; each round gives a ratio of its two back-to-back
 *    runs (so load from other processes hits both alike), and the median of those
 *    ratios is the result.
 * 2. The API process's peak RSS while it receives a `--large-mib` (500) MiB upload
 *    minus while it receives a `--small-mib` (50) MiB one (goal < 32 MiB), each in
 *    a fresh API process after one small warm-up upload, RSS sampled from
 *    /proc/<pid>/status every 5 ms during the upload (VmHWM printed as well).
 *
 *   pnpm tsx bench/upload/run.ts [--mib 200] [--small-mib 50] [--large-mib 500] [--rounds 7]
 *
 * Needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 (as the tests);
 * creates and drops its own database, Redis prefix and s3rver directory.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { request } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { DEFAULT_UPLOAD_TUNING } from "../../apps/api/src/services/upload-service";
import { createClientConnection } from "../../packages/queue/src/redis";
import { createStorage } from "../../packages/storage/src/index";
import { ensureTestMedia, testMediaPath } from "../../packages/testing/src/media";

const { values } = parseArgs({
  options: {
    mib: { type: "string", default: "200" },
    "small-mib": { type: "string", default: "50" },
    "large-mib": { type: "string", default: "500" },
    rounds: { type: "string", default: "7" },
  },
});
const MiB = 1024 * 1024;
const THROUGHPUT_BYTES = Number(values.mib) * MiB;
const SMALL_BYTES = Number(values["small-mib"]) * MiB;
const LARGE_BYTES = Number(values["large-mib"]) * MiB;
const ROUNDS = Number(values.rounds);
const WARMUP_BYTES = 5 * MiB;

const out = (line = "") => process.stdout.write(`${line}\n`);
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const mib = (bytes: number) => bytes / MiB;

// The file: a real mp4's ftyp box, then one random MiB over and over (free to produce, so the figures are the upload's).
await ensureTestMedia();
const MP4_HEAD = readFileSync(testMediaPath("sample-720p.mp4")).subarray(0, 64);
const BLOCK = randomBytes(MiB);
function* fileBytes(total: number): Generator<Buffer> {
  yield MP4_HEAD;
  for (let sent = MP4_HEAD.length; sent < total; sent += MiB) yield BLOCK.subarray(0, Math.min(MiB, total - sent));
}

const id = randomBytes(4).toString("hex");
const databaseName = `lh_bench_upload_${id}`;
const adminUrl = "postgres://postgres@127.0.0.1:5432/postgres";
const redisPrefix = `lhbench:${id}`;
const bucket = `bench-upload-${id}`;
const children = new Set<ChildProcess>();

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function spawnTsx(script: string, args: string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

async function startS3rver(directory: string): Promise<{ endpoint: string; pid: number }> {
  const child = spawnTsx(here("./s3rver-process.ts"), [directory]);
  child.stdout?.setEncoding("utf8");
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout?.once("data", resolve);
    child.once("exit", (code) => reject(new Error(`s3rver exited with ${code}`)));
  });
  return { endpoint: `http://127.0.0.1:${JSON.parse(line).port}`, pid: child.pid ?? 0 };
}

interface Api {
  pid: number;
  port: number;
  child: ChildProcess;
}

async function startApi(s3Endpoint: string): Promise<Api> {
  const port = await freePort();
  const child = spawnTsx(here("../../apps/api/src/main.ts"), [], {
    NODE_ENV: "production",
    LOG_LEVEL: "error",
    HOST: "127.0.0.1",
    PORT: String(port),
    DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${databaseName}`,
    REDIS_URL: "redis://127.0.0.1:6379",
    REDIS_PREFIX: redisPrefix,
    S3_ENDPOINT: s3Endpoint,
    S3_BUCKET: bucket,
    STORAGE_PUBLIC_URL: `${s3Endpoint}/${bucket}`,
    JWT_SECRET: "bench-secret-of-sufficient-length-0123456789",
    API_METRICS_PORT: "0",
  });
  child.stdout?.resume();
  for (const started = Date.now(); Date.now() - started < 60_000; await sleep(100)) {
    if (child.exitCode !== null) throw new Error(`API exited with ${child.exitCode}`);
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
      (res) => res.ok,
      () => false,
    );
    if (ok && child.pid !== undefined) return { pid: child.pid, port, child };
  }
  throw new Error("API did not start within 60 s");
}

async function json(url: string, init: RequestInit): Promise<Record<string, unknown>> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${init.method} ${url}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? {} : ((await res.json()) as Record<string, unknown>);
}

async function login(api: Api): Promise<string> {
  const credentials = { email: `bench-${id}@example.com`, name: "Bench", password: "bench-password-123" };
  const post = (path: string) =>
    json(`http://127.0.0.1:${api.port}/api/v1/auth/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(credentials),
    });
  await post("register");
  return String((await post("login")).access_token);
}

/** `POST /api/v1/upload` with a known content length, streamed with backpressure; seconds until the 201 arrived. */
async function uploadOverHttp(
  api: Api,
  token: string,
  bytes: number,
): Promise<{ seconds: number; materialId: number }> {
  const boundary = `----bench${randomBytes(8).toString("hex")}`;
  const preamble = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nBenchmark\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.mp4"\r\n` +
      "Content-Type: video/mp4\r\n\r\n",
  );
  const epilogue = Buffer.from(`\r\n--${boundary}--\r\n`);
  const body = Readable.from(
    (function* () {
      yield preamble;
      yield* fileBytes(bytes);
      yield epilogue;
    })(),
  );
  const started = performance.now();
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request({
      host: "127.0.0.1",
      port: api.port,
      method: "POST",
      path: "/api/v1/upload",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": `multipart/form-data; boundary=${boundary}`,
        "content-length": preamble.length + bytes + epilogue.length,
      },
    });
    req.on("error", reject);
    req.on("response", async (res) => {
      let text = "";
      for await (const chunk of res) text += chunk;
      resolve({ status: res.statusCode ?? 0, text });
    });
    body.pipe(req);
  });
  const seconds = (performance.now() - started) / 1000;
  if (status !== 201) throw new Error(`upload answered ${status}: ${text}`);
  return { seconds, materialId: Number(JSON.parse(text).id) };
}

const deleteUpload = (api: Api, token: string, materialId: number) =>
  json(`http://127.0.0.1:${api.port}/api/v1/upload/${materialId}`, {
    method: "DELETE",
    headers: { authorization: `Bearer ${token}` },
  });

/** CPU seconds (user + system) a process has used so far; clock ticks are 1/100 s on Linux. */
async function cpuSecondsOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const ownCpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

/** CPU seconds each process spent while `run` ran. */
async function cpuDuring(pids: Record<string, number>, run: () => Promise<void>): Promise<Record<string, number>> {
  const before: Record<string, number> = { client: ownCpuSeconds(), ...(await readAll(pids)) };
  await run();
  const after: Record<string, number> = { client: ownCpuSeconds(), ...(await readAll(pids)) };
  return Object.fromEntries(Object.entries(after).map(([name, value]) => [name, value - (before[name] ?? 0)]));
}

async function readAll(pids: Record<string, number>): Promise<Record<string, number>> {
  const entries = await Promise.all(Object.entries(pids).map(async ([name, pid]) => [name, await cpuSecondsOf(pid)]));
  return Object.fromEntries(entries);
}

const cpuText = (cpu: Record<string, number>) =>
  Object.entries(cpu)
    .map(([name, seconds]) => `${name} ${seconds.toFixed(2)}`)
    .join(", ");

async function memoryOf(pid: number): Promise<{ rss: number; hwm: number }> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
  return { rss: kib("VmRSS") * 1024, hwm: kib("VmHWM") * 1024 };
}

/** Peak RSS of the API process while it receives one upload of `bytes`, in a fresh process. */
async function peakRssDuring(s3Endpoint: string, token: string | undefined, bytes: number) {
  const api = await startApi(s3Endpoint);
  try {
    const bearer = token ?? (await login(api));
    await deleteUpload(api, bearer, (await uploadOverHttp(api, bearer, WARMUP_BYTES)).materialId);
    const before = (await memoryOf(api.pid)).rss;
    let peak = before;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, (await memoryOf(api.pid)).rss);
        await sleep(5);
      }
    })();
    const upload = await uploadOverHttp(api, bearer, bytes);
    sampling = false;
    await sampler;
    const { hwm } = await memoryOf(api.pid);
    await deleteUpload(api, bearer, upload.materialId);
    return { token: bearer, before, peak, hwm, seconds: upload.seconds };
  } finally {
    await stop(api.child);
  }
}

const directory = await mkdtemp(join(tmpdir(), "lh-bench-upload-"));
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
try {
  await admin.unsafe(`create database ${databaseName}`);
  const s3 = await startS3rver(directory);
  const s3Endpoint = s3.endpoint;
  const storage = createStorage({
    endpoint: s3Endpoint,
    region: "us-east-1",
    accessKey: "S3RVER",
    secretKey: "S3RVER",
    bucket,
    publicUrl: `${s3Endpoint}/${bucket}`,
  });
  await storage.ensureBucket();
  const putOptions = {
    contentType: "video/mp4",
    partSizeBytes: DEFAULT_UPLOAD_TUNING.partSizeBytes,
    maxPartsInFlight: DEFAULT_UPLOAD_TUNING.maxPartsInFlight,
  };
  const directPut = async (bytes: number): Promise<number> => {
    const started = performance.now();
    await storage.putStream("bench/direct.mp4", Readable.from(fileBytes(bytes)), putOptions);
    const seconds = (performance.now() - started) / 1000;
    await storage.remove("bench/direct.mp4");
    return seconds;
  };

  out(
    `part size ${mib(putOptions.partSizeBytes)} MiB, ${putOptions.maxPartsInFlight} parts in flight; ` +
      `${ROUNDS} rounds of ${mib(THROUGHPUT_BYTES)} MiB`,
  );
  const api = await startApi(s3Endpoint);
  let token: string;
  const direct: number[] = [];
  const viaApi: number[] = [];
  const ratios: number[] = [];
  try {
    token = await login(api);
    // Warm-up of both paths (JIT, pools, s3rver's bucket directory).
    await directPut(WARMUP_BYTES);
    await deleteUpload(api, token, (await uploadOverHttp(api, token, WARMUP_BYTES)).materialId);
    for (let round = 1; round <= ROUNDS; round++) {
      let apiCpu: Record<string, number> = {};
      let directCpu: Record<string, number> = {};
      const runApi = async () => {
        let upload = { seconds: Number.NaN, materialId: 0 };
        apiCpu = await cpuDuring({ api: api.pid, s3rver: s3.pid }, async () => {
          upload = await uploadOverHttp(api, token, THROUGHPUT_BYTES);
        });
        await deleteUpload(api, token, upload.materialId);
        viaApi.push(mib(THROUGHPUT_BYTES) / upload.seconds);
      };
      const runDirect = async () => {
        let seconds = Number.NaN;
        directCpu = await cpuDuring({ s3rver: s3.pid }, async () => {
          seconds = await directPut(THROUGHPUT_BYTES);
        });
        direct.push(mib(THROUGHPUT_BYTES) / seconds);
      };
      if (round % 2 === 1) {
        await runDirect();
        await runApi();
      } else {
        await runApi();
        await runDirect();
      }
      const [d = Number.NaN, a = Number.NaN] = [direct.at(-1), viaApi.at(-1)];
      ratios.push(a / d);
      out(
        `round ${round}: direct putStream ${d.toFixed(1)} MiB/s, POST /upload ${a.toFixed(1)} MiB/s, ratio ${(a / d).toFixed(3)}`,
      );
      out(`  CPU seconds: direct (${cpuText(directCpu)}); upload (${cpuText(apiCpu)})`);
    }
  } finally {
    await stop(api.child);
  }
  const ratio = median(ratios);
  out(
    `throughput ratio POST /upload / direct putStream, median of ${ROUNDS} rounds: ${ratio.toFixed(3)} (goal >= 0.85)`,
  );

  const memory: { small: number[]; large: number[] } = { small: [], large: [] };
  for (let round = 1; round <= Math.min(ROUNDS, 2); round++) {
    const order = round % 2 === 1 ? (["small", "large"] as const) : (["large", "small"] as const);
    for (const size of order) {
      const bytes = size === "small" ? SMALL_BYTES : LARGE_BYTES;
      const result = await peakRssDuring(s3Endpoint, token, bytes);
      memory[size].push(result.peak);
      out(
        `memory round ${round}, ${mib(bytes)} MiB upload: RSS before ${mib(result.before).toFixed(1)} MiB, ` +
          `peak during ${mib(result.peak).toFixed(1)} MiB, VmHWM ${mib(result.hwm).toFixed(1)} MiB ` +
          `(${(mib(bytes) / result.seconds).toFixed(1)} MiB/s)`,
      );
    }
  }
  const rssGrowth = median(memory.large) - median(memory.small);
  out(
    `peak RSS ${mib(LARGE_BYTES)} MiB upload - ${mib(SMALL_BYTES)} MiB upload: ${mib(rssGrowth).toFixed(1)} MiB (goal < 32)`,
  );
  out(
    JSON.stringify({
      directMiBps: Number(median(direct).toFixed(1)),
      apiMiBps: Number(median(viaApi).toFixed(1)),
      throughputRatio: Number(ratio.toFixed(3)),
      peakRssSmallMiB: Number(mib(median(memory.small)).toFixed(1)),
      peakRssLargeMiB: Number(mib(median(memory.large)).toFixed(1)),
      rssGrowthMiB: Number(mib(rssGrowth).toFixed(1)),
    }),
  );
} finally {
  await Promise.all([...children].map(stop));
  await admin.unsafe(`drop database if exists ${databaseName} with (force)`).catch(() => {});
  await admin.end();
  const redis = createClientConnection("redis://127.0.0.1:6379");
  await new Promise((resolve) => redis.once("ready", resolve));
  const keys = await redis.keys(`${redisPrefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await rm(directory, { recursive: true, force: true });
}
