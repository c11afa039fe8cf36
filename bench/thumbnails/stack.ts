import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { type Config, loadConfig } from "../../packages/config/src/index";
import { createDatabase, type DatabaseHandle, runMigrations } from "../../packages/db/src/index";
import { createWorkerConnection, JobQueues, jobSettings } from "../../packages/queue/src/index";
import { createStorage, type ObjectStorage } from "../../packages/storage/src/index";

const ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres";
export const repositoryRoot = fileURLToPath(new URL("../../", import.meta.url));

/** A throw-away database, Redis prefix, s3rver and bucket for one benchmark run. */
export interface BenchStack {
  /** The environment a worker process of this stack is started with. */
  env: Record<string, string>;
  config: Config;
  database: DatabaseHandle;
  storage: ObjectStorage;
  queues: JobQueues;
  connection: ReturnType<typeof createWorkerConnection>;
  /** The s3rver process, for its CPU time. */
  s3Pid: number | undefined;
  close(): Promise<void>;
}

async function startS3(directory: string): Promise<{ child: ChildProcess; port: number }> {
  const script = path.join(repositoryRoot, "bench/thumbnails/s3-server.ts");
  const child = spawn(process.execPath, ["--import", "tsx", script, directory], {
    cwd: repositoryRoot,
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  child.stdout?.setEncoding("utf8");
  child.stdout?.on("data", (chunk: string) => {
    output += chunk;
  });
  const started = Date.now();
  for (;;) {
    const ready = /ready (\d+)/.exec(output);
    if (ready) return { child, port: Number(ready[1]) };
    if (child.exitCode !== null) throw new Error(`s3rver exited with ${child.exitCode}`);
    if (Date.now() - started > 60_000) throw new Error("s3rver did not start");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function startBenchStack(settings: Record<string, string>): Promise<BenchStack> {
  const id = randomBytes(4).toString("hex");
  const databaseName = `lh_bench_thumbnails_${id}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${databaseName}`);
  await admin.end();
  const databaseUrl = `postgres://postgres@127.0.0.1:5432/${databaseName}`;
  await runMigrations(databaseUrl);

  const s3Directory = await mkdtemp(path.join(tmpdir(), "bench-thumbnails-s3-"));
  const s3 = await startS3(s3Directory);
  const endpoint = `http://127.0.0.1:${s3.port}`;
  const env: Record<string, string> = {
    NODE_ENV: "production",
    LOG_LEVEL: "info",
    JWT_SECRET: randomBytes(32).toString("hex"),
    DATABASE_URL: databaseUrl,
    REDIS_URL: "redis://127.0.0.1:6379",
    REDIS_PREFIX: `lhbench:${id}`,
    S3_ENDPOINT: endpoint,
    S3_BUCKET: "bench-thumbnails",
    STORAGE_PUBLIC_URL: `${endpoint}/bench-thumbnails`,
    API_METRICS_PORT: "0",
    WORKER_METRICS_PORT: "0",
    ...settings,
  };
  const config = loadConfig(env);
  const database = createDatabase({ url: config.database.url, poolMax: 5 });
  const storage = createStorage(config.storage);
  await storage.ensureBucket();
  const connection = createWorkerConnection(config.redis.url);
  const queues = new JobQueues({ connection, prefix: config.redis.prefix, settings: jobSettings(config) });
  return {
    env,
    config,
    database,
    storage,
    queues,
    connection,
    s3Pid: s3.child.pid,
    async close() {
      await queues.close();
      let cursor = "0";
      do {
        const [next, keys] = await connection.scan(cursor, "MATCH", `${config.redis.prefix}:*`, "COUNT", 1000);
        cursor = next;
        if (keys.length > 0) await connection.unlink(...keys);
      } while (cursor !== "0");
      connection.disconnect();
      await database.close();
      s3.child.kill("SIGTERM");
      await rm(s3Directory, { recursive: true, force: true });
      const dropper = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
      await dropper.unsafe(`drop database if exists ${databaseName} with (force)`);
      await dropper.end();
    },
  };
}
