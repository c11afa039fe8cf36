/**
 * What the upload benchmarks (`run.ts`, `tus.ts`) share: an s3rver process, API processes
 * (`apps/api/src/main.ts` as deployed) over a database, Redis prefix and bucket of their own,
 * the direct `storage.putStream` baseline, and CPU / RSS readings of processes by pid.
 *
 * Needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 (as the tests).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { createClientConnection } from "../../packages/queue/src/redis";
import { createStorage, type ObjectStorage, type PutStreamOptions } from "../../packages/storage/src/index";
import { cpuMilliseconds } from "../support/process-cpu";

export const MiB = 1024 * 1024;
export const mib = (bytes: number) => bytes / MiB;
export const out = (line = "") => process.stdout.write(`${line}\n`);
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres";
const REDIS_URL = "redis://127.0.0.1:6379";
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** The benchmark file: `head` (a real file's first bytes, so it is sniffed as that type), then one random MiB over and over. */
export function fileSource(head: Buffer) {
  const block = randomBytes(MiB);
  function* bytes(total: number): Generator<Buffer> {
    yield head;
    for (let sent = head.length; sent < total; sent += MiB) yield block.subarray(0, Math.min(MiB, total - sent));
  }
  return { bytes, buffer: (total: number) => Buffer.concat([...bytes(total)]) };
}

export interface Api {
  pid: number;
  port: number;
  child: ChildProcess;
  /** `http://127.0.0.1:<port>` */
  origin: string;
}

export interface ApiOptions {
  /** Extra environment of the API process. */
  env?: Record<string, string>;
  /** Extra Node.js options of the API process (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
}

/** s3rver, a database, a Redis prefix and a bucket for one benchmark run; `close` removes them all. */
export class UploadBench {
  readonly #children = new Set<ChildProcess>();
  readonly #admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  readonly #id = randomBytes(4).toString("hex");
  readonly #databaseName: string;
  readonly #redisPrefix = `lhbench:${this.#id}`;
  readonly bucket: string;
  #directory = "";
  s3Endpoint = "";
  s3Pid = 0;
  storage!: ObjectStorage;

  private constructor(readonly name: string) {
    this.#databaseName = `lh_bench_${name}_${this.#id}`;
    this.bucket = `bench-${name}-${this.#id}`;
  }

  /** `name` (lower case, digits) tells the database, bucket and directory apart from other benchmarks'. */
  static async start(name: string): Promise<UploadBench> {
    const bench = new UploadBench(name);
    try {
      bench.#directory = await mkdtemp(join(tmpdir(), `lh-bench-${name}-`));
      await bench.#admin.unsafe(`create database ${bench.#databaseName}`);
      await bench.#startS3rver();
      bench.storage = createStorage({
        endpoint: bench.s3Endpoint,
        region: "us-east-1",
        accessKey: "S3RVER",
        secretKey: "S3RVER",
        bucket: bench.bucket,
        publicUrl: `${bench.s3Endpoint}/${bench.bucket}`,
      });
      await bench.storage.ensureBucket();
      return bench;
    } catch (error) {
      await bench.close();
      throw error;
    }
  }

  async #startS3rver(): Promise<void> {
    const child = this.#spawnTsx(here("./s3rver-process.ts"), [this.#directory]);
    child.stdout?.setEncoding("utf8");
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout?.once("data", resolve);
      child.once("exit", (code) => reject(new Error(`s3rver exited with ${code}`)));
    });
    this.s3Endpoint = `http://127.0.0.1:${JSON.parse(line).port}`;
    this.s3Pid = child.pid ?? 0;
  }

  #spawnTsx(script: string, args: string[], env: Record<string, string> = {}, nodeArgs: string[] = []) {
    const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", script, ...args], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    this.#children.add(child);
    child.once("exit", () => this.#children.delete(child));
    return child;
  }

  /** A fresh API process on a free port, once `/health` answers. */
  async startApi(options: ApiOptions = {}): Promise<Api> {
    const port = await freePort();
    const child = this.#spawnTsx(
      here("../../apps/api/src/main.ts"),
      [],
      {
        NODE_ENV: "production",
        LOG_LEVEL: "error",
        HOST: "127.0.0.1",
        PORT: String(port),
        DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${this.#databaseName}`,
        REDIS_URL,
        REDIS_PREFIX: this.#redisPrefix,
        S3_ENDPOINT: this.s3Endpoint,
        S3_BUCKET: this.bucket,
        STORAGE_PUBLIC_URL: `${this.s3Endpoint}/${this.bucket}`,
        JWT_SECRET: "bench-secret-of-sufficient-length-0123456789",
        API_METRICS_PORT: "0",
        ...options.env,
      },
      options.nodeArgs,
    );
    child.stdout?.resume();
    const origin = `http://127.0.0.1:${port}`;
    for (const started = Date.now(); Date.now() - started < 60_000; await sleep(100)) {
      if (child.exitCode !== null) throw new Error(`API exited with ${child.exitCode}`);
      const ok = await fetch(`${origin}/health`).then(
        (res) => res.ok,
        () => false,
      );
      if (ok && child.pid !== undefined) return { pid: child.pid, port, child, origin };
    }
    throw new Error("API did not start within 60 s");
  }

  /** The benchmark user's access token; registered by the first API process of the run. */
  async login(api: Api): Promise<string> {
    const credentials = { email: `bench-${this.#id}@example.com`, name: "Bench", password: "bench-password-123" };
    const post = (path: string) =>
      json(`${api.origin}/api/v1/auth/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(credentials),
      });
    await post("register").catch(() => {}); // registered through an earlier API process
    return String((await post("login")).access_token);
  }

  /** The direct baseline: `storage.putStream` of `source` from this process; seconds it took. */
  async directPut(source: Iterable<Buffer>, options: PutStreamOptions): Promise<number> {
    const started = performance.now();
    await this.storage.putStream("bench/direct", Readable.from(source), options);
    const seconds = (performance.now() - started) / 1000;
    await this.storage.remove("bench/direct");
    return seconds;
  }

  /** Stops every process started and removes the database, Redis keys and s3rver directory. */
  async close(): Promise<void> {
    await Promise.all([...this.#children].map(stop));
    await this.#admin.unsafe(`drop database if exists ${this.#databaseName} with (force)`).catch(() => {});
    await this.#admin.end();
    const redis = createClientConnection(REDIS_URL);
    await new Promise((resolve) => redis.once("ready", resolve));
    const keys = await redis.keys(`${this.#redisPrefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    if (this.#directory) await rm(this.#directory, { recursive: true, force: true });
  }
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function json(url: string, init: RequestInit): Promise<Record<string, unknown>> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${init.method} ${url}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? {} : ((await res.json()) as Record<string, unknown>);
}

/** `DELETE /api/v1/upload/{id}`: the benchmark's uploads do not pile up in s3rver's directory. */
export const deleteMaterial = (api: Api, token: string, materialId: number) =>
  json(`${api.origin}/api/v1/upload/${materialId}`, {
    method: "DELETE",
    headers: { authorization: `Bearer ${token}` },
  });

/** CPU seconds of the client (this process) and of `pids` while `run` ran, as `name seconds, ...`. */
export async function cpuDuring(pids: Record<string, number>, run: () => Promise<void>): Promise<string> {
  const read = async () => {
    const { user, system } = process.cpuUsage();
    const entries = Object.entries(pids).map(([name, pid]) => [name, cpuMilliseconds(pid) / 1000]);
    return { client: (user + system) / 1e6, ...Object.fromEntries(entries) } as Record<string, number>;
  };
  const before = await read();
  await run();
  const after = await read();
  return Object.entries(after)
    .map(([name, value]) => `${name} ${(value - (before[name] ?? 0)).toFixed(2)}`)
    .join(", ");
}

export interface RoundResult {
  /** MiB/s of the direct put and of the upload through the API. */
  directMiBps: number;
  apiMiBps: number;
  /** `cpuDuring`'s figures of each side. */
  directCpu: string;
  apiCpu: string;
}

/**
 * One throughput round of `bytes`: a direct put and an upload through the API (whose material is deleted after,
 * outside the measured window), alternating by round which goes first so neither always finds a warmer machine.
 */
export async function throughputRound(options: {
  round: number;
  bytes: number;
  pids: { api: number; s3rver: number };
  direct: () => Promise<number>;
  viaApi: () => Promise<{ seconds: number; materialId: number }>;
  remove: (materialId: number) => Promise<unknown>;
}): Promise<RoundResult> {
  const result: RoundResult = { directMiBps: Number.NaN, apiMiBps: Number.NaN, directCpu: "", apiCpu: "" };
  const runApi = async () => {
    let upload = { seconds: Number.NaN, materialId: 0 };
    result.apiCpu = await cpuDuring(options.pids, async () => {
      upload = await options.viaApi();
    });
    await options.remove(upload.materialId);
    result.apiMiBps = mib(options.bytes) / upload.seconds;
  };
  const runDirect = async () => {
    let seconds = Number.NaN;
    result.directCpu = await cpuDuring({ s3rver: options.pids.s3rver }, async () => {
      seconds = await options.direct();
    });
    result.directMiBps = mib(options.bytes) / seconds;
  };
  for (const run of options.round % 2 === 1 ? [runDirect, runApi] : [runApi, runDirect]) await run();
  return result;
}

async function memoryOf(pid: number): Promise<{ rss: number; hwm: number }> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
  return { rss: kib("VmRSS") * 1024, hwm: kib("VmHWM") * 1024 };
}

/** RSS of `pid` before `run`, its peak during it (sampled every 5 ms) and VmHWM after. */
export async function peakRssWhile<T>(pid: number, run: () => Promise<T>) {
  const before = (await memoryOf(pid)).rss;
  let peak = before;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, (await memoryOf(pid)).rss);
      await sleep(5);
    }
  })();
  try {
    const result = await run();
    return { before, peak, hwm: (await memoryOf(pid)).hwm, result };
  } finally {
    sampling = false;
    await sampler;
  }
}
