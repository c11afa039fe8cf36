/**
 * Resumable (tus) upload benchmark, over real sockets and in separate processes
 * (client = this process with tus-js-client, API = `apps/api/src/main.ts`, S3 = s3rver):
 *
 * 1. Throughput of a `--mib` (200) MiB tus upload (`--chunk-mib` per PATCH, default 64)
 *    divided by the throughput of a direct `storage.putStream` of the same bytes with
 *    the tus store's part size and parallelism (goal >= 0.85). Rounds alternate which
 *    goes first; the median of the per-round ratios is the result.
 * 2. The API's peak RSS while it receives a `--large-mib` (500) MiB tus upload minus
 *    while it receives a `--small-mib` (50) MiB one (goal < 32 MiB), each in a fresh
 *    API process after a small warm-up upload, RSS sampled every 5 ms.
 * 3. The cost of one resume: a `--mib` upload whose socket is destroyed at half, then
 *    resumed (HEAD, then PATCHes from the stored offset): bytes sent twice, time from
 *    the resume's start to its first PATCH, and total time against an uninterrupted upload.
 *
 *   pnpm tsx bench/upload/tus.ts [--mib 200] [--chunk-mib 64] [--small-mib 50] [--large-mib 500] [--rounds 5]
 *                                [--memory-rounds 3]   (`--rounds 0`: memory only)
 *
 * Needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 (as the tests);
 * creates and drops its own database, Redis prefix and s3rver directory.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { Upload } from "tus-js-client";
import { DEFAULT_TUS_STORE_TUNING } from "../../apps/api/src/services/resumable";
import { createClientConnection } from "../../packages/queue/src/redis";
import { createStorage } from "../../packages/storage/src/index";

const { values } = parseArgs({
  options: {
    mib: { type: "string", default: "200" },
    "chunk-mib": { type: "string", default: "64" },
    "small-mib": { type: "string", default: "50" },
    "large-mib": { type: "string", default: "500" },
    rounds: { type: "string", default: "5" },
    "memory-rounds": { type: "string", default: "3" },
  },
});
const MiB = 1024 * 1024;
const THROUGHPUT_BYTES = Number(values.mib) * MiB;
const CHUNK_BYTES = Number(values["chunk-mib"]) * MiB;
const SMALL_BYTES = Number(values["small-mib"]) * MiB;
const LARGE_BYTES = Number(values["large-mib"]) * MiB;
const ROUNDS = Number(values.rounds);
const WARMUP_BYTES = 5 * MiB;
const PATH = "/api/v1/upload/resumable";

const out = (line = "") => process.stdout.write(`${line}\n`);
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const mib = (bytes: number) => bytes / MiB;

/** An ISO-BMFF `ftyp` box (sniffed as mp4), then one random MiB over and over. */
const MP4_HEAD = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from("ftypisom\0\0\0\0isommp42", "latin1")]);
const BLOCK = randomBytes(MiB);
function* fileBytes(total: number): Generator<Buffer> {
  yield MP4_HEAD;
  for (let sent = MP4_HEAD.length; sent < total; sent += MiB) yield BLOCK.subarray(0, Math.min(MiB, total - sent));
}
const fileBuffer = (total: number) => Buffer.concat([...fileBytes(total)]);

const id = randomBytes(4).toString("hex");
const databaseName = `lh_bench_tus_${id}`;
const adminUrl = "postgres://postgres@127.0.0.1:5432/postgres";
const redisPrefix = `lhbench:${id}`;
const bucket = `bench-tus-${id}`;
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
  endpoint: string;
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
    RESUMABLE_MAX_UNFINISHED_PER_USER: "100",
  });
  child.stdout?.resume();
  for (const started = Date.now(); Date.now() - started < 60_000; await sleep(100)) {
    if (child.exitCode !== null) throw new Error(`API exited with ${child.exitCode}`);
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
      (res) => res.ok,
      () => false,
    );
    if (ok && child.pid !== undefined) {
      return { pid: child.pid, port, child, endpoint: `http://127.0.0.1:${port}${PATH}` };
    }
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
  await post("register").catch(() => {}); // registered by an earlier API process
  return String((await post("login")).access_token);
}

interface TusRun {
  upload: Upload;
  done: Promise<{ materialId: number; seconds: number }>;
}

/** A tus-js-client upload of a Buffer (its stream source re-concatenates its buffer on every read: slow for big chunks). */
function tus(
  endpoint: string,
  token: string,
  source: Buffer,
  size: number,
  options: {
    uploadUrl?: string;
    onProgress?: (sent: number, upload: Upload) => void;
    onChunkComplete?: (chunk: number, accepted: number) => void;
    onFirstPatch?: () => void;
  } = {},
): TusRun {
  let materialId = 0;
  let upload: Upload;
  const started = performance.now();
  const done = new Promise<{ materialId: number; seconds: number }>((resolve, reject) => {
    upload = new Upload(source, {
      endpoint,
      uploadUrl: options.uploadUrl ?? null,
      uploadSize: size,
      chunkSize: CHUNK_BYTES,
      retryDelays: null,
      storeFingerprintForResuming: false,
      headers: { Authorization: `Bearer ${token}` },
      metadata: { filename: "bench.mp4", title: "Benchmark" },
      onProgress: (sent) => options.onProgress?.(sent, upload),
      onChunkComplete: (chunk, accepted) => options.onChunkComplete?.(chunk, accepted),
      onBeforeRequest: (req) => {
        if (req.getMethod() === "PATCH") options.onFirstPatch?.();
      },
      onAfterResponse: (_req, res) => {
        const header = res.getHeader("X-Material-Id");
        if (header) materialId = Number(header);
      },
      onSuccess: () => resolve({ materialId, seconds: (performance.now() - started) / 1000 }),
      onError: reject,
    });
    upload.start();
  });
  // biome-ignore lint/style/noNonNullAssertion: assigned synchronously by the executor above
  return { upload: upload!, done };
}

const deleteMaterial = (api: Api, token: string, materialId: number) =>
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

/** CPU seconds of the client (this process) and of `pids` while `run` ran. */
async function cpuDuring(pids: Record<string, number>, run: () => Promise<void>): Promise<string> {
  const read = async () => {
    const { user, system } = process.cpuUsage();
    const entries = await Promise.all(Object.entries(pids).map(async ([name, pid]) => [name, await cpuSecondsOf(pid)]));
    return { client: (user + system) / 1e6, ...Object.fromEntries(entries) } as Record<string, number>;
  };
  const before = await read();
  await run();
  const after = await read();
  return Object.entries(after)
    .map(([name, value]) => `${name} ${(value - (before[name] ?? 0)).toFixed(2)}`)
    .join(", ");
}

async function memoryOf(pid: number): Promise<{ rss: number; hwm: number }> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
  return { rss: kib("VmRSS") * 1024, hwm: kib("VmHWM") * 1024 };
}

async function peakRssDuring(s3Endpoint: string, bytes: number) {
  const api = await startApi(s3Endpoint);
  try {
    const token = await login(api);
    const warm = await tus(api.endpoint, token, fileBuffer(WARMUP_BYTES), WARMUP_BYTES).done;
    await deleteMaterial(api, token, warm.materialId);
    const before = (await memoryOf(api.pid)).rss;
    let peak = before;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, (await memoryOf(api.pid)).rss);
        await sleep(5);
      }
    })();
    const result = await tus(api.endpoint, token, fileBuffer(bytes), bytes).done;
    sampling = false;
    await sampler;
    const { hwm } = await memoryOf(api.pid);
    await deleteMaterial(api, token, result.materialId);
    return { before, peak, hwm, seconds: result.seconds };
  } finally {
    await stop(api.child);
  }
}

const directory = await mkdtemp(join(tmpdir(), "lh-bench-tus-"));
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
try {
  await admin.unsafe(`create database ${databaseName}`);
  const s3 = await startS3rver(directory);
  const storage = createStorage({
    endpoint: s3.endpoint,
    region: "us-east-1",
    accessKey: "S3RVER",
    secretKey: "S3RVER",
    bucket,
    publicUrl: `${s3.endpoint}/${bucket}`,
  });
  await storage.ensureBucket();
  const putOptions = {
    contentType: "video/mp4",
    partSizeBytes: DEFAULT_TUS_STORE_TUNING.partSizeBytes,
    maxPartsInFlight: DEFAULT_TUS_STORE_TUNING.maxPartsInFlight,
  };
  const directPut = async (bytes: number): Promise<number> => {
    const started = performance.now();
    await storage.putStream("bench/direct.mp4", Readable.from(fileBytes(bytes)), putOptions);
    const seconds = (performance.now() - started) / 1000;
    await storage.remove("bench/direct.mp4");
    return seconds;
  };

  out(
    `store parts ${mib(putOptions.partSizeBytes)} MiB, ${putOptions.maxPartsInFlight} in flight; ` +
      `PATCH chunks ${mib(CHUNK_BYTES)} MiB; ${ROUNDS} rounds of ${mib(THROUGHPUT_BYTES)} MiB`,
  );
  // `--rounds 0` measures memory only.
  const file = fileBuffer(ROUNDS > 0 ? THROUGHPUT_BYTES : WARMUP_BYTES);
  const api = await startApi(s3.endpoint);
  const direct: number[] = [];
  const viaTus: number[] = [];
  const ratios: number[] = [];
  try {
    const token = await login(api);
    await directPut(WARMUP_BYTES);
    const warm = await tus(api.endpoint, token, fileBuffer(WARMUP_BYTES), WARMUP_BYTES).done;
    await deleteMaterial(api, token, warm.materialId);
    for (let round = 1; round <= ROUNDS; round++) {
      let tusCpu = "";
      let directCpu = "";
      const runTus = async () => {
        let result = { materialId: 0, seconds: Number.NaN };
        tusCpu = await cpuDuring({ api: api.pid, s3rver: s3.pid }, async () => {
          result = await tus(api.endpoint, token, file, file.length).done;
        });
        await deleteMaterial(api, token, result.materialId);
        viaTus.push(mib(THROUGHPUT_BYTES) / result.seconds);
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
        await runTus();
      } else {
        await runTus();
        await runDirect();
      }
      const [d = Number.NaN, t = Number.NaN] = [direct.at(-1), viaTus.at(-1)];
      ratios.push(t / d);
      out(
        `round ${round}: direct putStream ${d.toFixed(1)} MiB/s, tus ${t.toFixed(1)} MiB/s, ratio ${(t / d).toFixed(3)}`,
      );
      out(`  CPU seconds: direct (${directCpu}); tus (${tusCpu})`);
    }

    // The cost of one resume.
    if (ROUNDS > 0) {
      let sentAtCut = 0;
      const cut = tus(api.endpoint, token, file, file.length, {
        onProgress: (sent, upload) => {
          if (sentAtCut === 0 && sent >= file.length / 2) {
            sentAtCut = sent;
            void upload.abort(); // destroys the socket mid-PATCH
          }
        },
      });
      cut.done.catch(() => {});
      const cutStarted = performance.now();
      while (sentAtCut === 0) await sleep(10);
      const beforeCut = (performance.now() - cutStarted) / 1000;
      let firstPatchAt = 0;
      let offset = -1;
      const resumeStarted = performance.now();
      const resumed = tus(api.endpoint, token, file, file.length, {
        uploadUrl: cut.upload.url ?? "",
        onFirstPatch: () => {
          if (firstPatchAt === 0) firstPatchAt = performance.now();
        },
        onChunkComplete: (chunk, accepted) => {
          if (offset < 0) offset = accepted - chunk; // where the resumed upload started
        },
      });
      const result = await resumed.done;
      await deleteMaterial(api, token, result.materialId);
      const resumeToPatchMs = firstPatchAt - resumeStarted;
      const totalWithCut = beforeCut + result.seconds;
      const plain = mib(THROUGHPUT_BYTES) / median(viaTus);
      out(
        `resume: cut at ${mib(sentAtCut).toFixed(1)} MiB sent, server kept ${mib(offset).toFixed(1)} MiB → ` +
          `${mib(sentAtCut - offset).toFixed(2)} MiB sent twice; resume to first PATCH ${resumeToPatchMs.toFixed(0)} ms; ` +
          `total ${totalWithCut.toFixed(1)} s vs ${plain.toFixed(1)} s uninterrupted`,
      );
      out(
        JSON.stringify({
          directMiBps: Number(median(direct).toFixed(1)),
          tusMiBps: Number(median(viaTus).toFixed(1)),
          throughputRatio: Number(median(ratios).toFixed(3)),
          resentMiB: Number(mib(sentAtCut - offset).toFixed(2)),
          resumeToFirstPatchMs: Math.round(resumeToPatchMs),
          totalWithCutSeconds: Number(totalWithCut.toFixed(1)),
          uninterruptedSeconds: Number(plain.toFixed(1)),
        }),
      );
    }
  } finally {
    await stop(api.child);
  }
  out(
    `throughput ratio tus / direct putStream, median of ${ROUNDS} rounds: ${median(ratios).toFixed(3)} (goal >= 0.85)`,
  );

  const memory: { small: number[]; large: number[] } = { small: [], large: [] };
  for (let round = 1; round <= Number(values["memory-rounds"]); round++) {
    const order = round % 2 === 1 ? (["small", "large"] as const) : (["large", "small"] as const);
    for (const size of order) {
      const bytes = size === "small" ? SMALL_BYTES : LARGE_BYTES;
      const result = await peakRssDuring(s3.endpoint, bytes);
      memory[size].push(result.peak);
      out(
        `memory round ${round}, ${mib(bytes)} MiB tus upload: RSS before ${mib(result.before).toFixed(1)} MiB, ` +
          `peak during ${mib(result.peak).toFixed(1)} MiB, VmHWM ${mib(result.hwm).toFixed(1)} MiB ` +
          `(${(mib(bytes) / result.seconds).toFixed(1)} MiB/s)`,
      );
    }
  }
  const growth = median(memory.large) - median(memory.small);
  out(
    `peak RSS ${mib(LARGE_BYTES)} MiB tus upload - ${mib(SMALL_BYTES)} MiB: ${mib(growth).toFixed(1)} MiB (goal < 32)`,
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
