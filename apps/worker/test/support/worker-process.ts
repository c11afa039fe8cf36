import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Config } from "@learning-hub/config";

const repositoryRoot = fileURLToPath(new URL("../../../../", import.meta.url));

/** The environment variables that make `loadConfig` in a child process return `config`. */
export function configEnvironment(config: Config): Record<string, string> {
  return {
    NODE_ENV: config.env,
    LOG_LEVEL: "info",
    DATABASE_URL: config.database.url,
    DATABASE_POOL_MAX: String(config.database.poolMax),
    REDIS_URL: config.redis.url,
    REDIS_PREFIX: config.redis.prefix,
    S3_ENDPOINT: config.storage.endpoint,
    S3_REGION: config.storage.region,
    S3_ACCESS_KEY: config.storage.accessKey,
    S3_SECRET_KEY: config.storage.secretKey,
    S3_BUCKET: config.storage.bucket,
    STORAGE_PUBLIC_URL: config.storage.publicUrl,
    JWT_SECRET: config.auth.jwtSecret,
    API_METRICS_PORT: String(config.metrics.apiPort),
    WORKER_METRICS_PORT: String(config.metrics.workerPort),
    THUMBNAIL_CONCURRENCY: String(config.thumbnails.concurrency),
    THUMBNAIL_ATTEMPTS: String(config.thumbnails.attempts),
    THUMBNAIL_BACKOFF_MS: String(config.thumbnails.backoffMs),
    THUMBNAIL_TIMEOUT_SECONDS: String(config.thumbnails.timeoutSeconds),
    THUMBNAIL_LOCK_DURATION_MS: String(config.thumbnails.lockDurationMs),
    THUMBNAIL_STALLED_INTERVAL_MS: String(config.thumbnails.stalledIntervalMs),
  };
}

export interface LogLine {
  msg?: string;
  [key: string]: unknown;
}

/** `apps/worker/src/main.ts` in a process of its own, as operators run it; its JSON log lines are collected. */
export class WorkerProcess {
  readonly logs: LogLine[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  private stderr = "";

  constructor(env: Record<string, string>) {
    // One node process (no tsx CLI wrapper), so a signal reaches the worker itself.
    this.child = spawn(process.execPath, ["--import", "tsx", "apps/worker/src/main.ts"], {
      cwd: repositoryRoot,
      // PATH: the worker looks ffmpeg up on it, as in production.
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let pending = "";
    this.child.stdout?.on("data", (chunk: Buffer) => {
      pending += chunk.toString("utf8");
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        if (line.trim() === "") continue;
        try {
          this.logs.push(JSON.parse(line) as LogLine);
        } catch {
          this.logs.push({ msg: line });
        }
      }
    });
    this.child.stderr?.on("data", (chunk: Buffer) => {
      this.stderr += chunk.toString("utf8");
    });
    this.exited = new Promise((resolve) => this.child.on("exit", (code) => resolve(code)));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Resolves with the first log line matching `predicate`; rejects if the process exits or time runs out. */
  async waitForLog(predicate: (line: LogLine) => boolean, timeoutMs = 30_000): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.logs.find(predicate);
      if (found) return found;
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`worker exited (${this.child.exitCode ?? this.child.signalCode}): ${this.stderr.slice(-2000)}`);
      }
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for a log line; stderr: ${this.stderr.slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Ends the process if it is still running (SIGTERM: a graceful shutdown). */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGTERM");
    await this.exited;
  }
}
