import { type ChildProcess, spawn } from "node:child_process";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { childEnvironment } from "@learning-hub/config";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePorts, isAlive, isPortOpen, waitUntil } from "../src/net";
import { REPO_ROOT } from "../src/stack";
import { CLI, descendants, exitOf, TSX } from "./support";

describe("dev-stack", () => {
  let dataDir: string;
  const ports = { api: 0, postgres: 0, redis: 0, s3: 0 };
  let env: NodeJS.ProcessEnv;
  let launcher: ChildProcess | undefined;
  /** Every process the launcher had running, seen just before it was told to stop. */
  let started: number[] = [];
  let stderr = "";

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "dev-stack-test-"));
    // The embedded PostgreSQL runs as the `postgres` user when we are root: it must reach its data dir.
    await chmod(dataDir, 0o755);
    Object.assign(ports, await freePorts(["api", "postgres", "redis", "s3"]));
    env = childEnvironment({
      DEV_STACK_DIR: dataDir,
      DEV_POSTGRES_PORT: String(ports.postgres),
      DEV_REDIS_PORT: String(ports.redis),
      DEV_S3_PORT: String(ports.s3),
      PORT: String(ports.api),
      // Empty means "not configured": the launcher must provide all three.
      DATABASE_URL: "",
      REDIS_URL: "",
      S3_ENDPOINT: "",
      API_METRICS_PORT: "0",
      WORKER_METRICS_PORT: "0",
      LOG_LEVEL: "warn",
    });
  });

  afterAll(async () => {
    // Only after a failed test is anything left; do not leak it.
    const root = launcher?.pid;
    const left = root !== undefined && isAlive(root) ? [root, ...(await descendants(root))] : started;
    for (const pid of left.filter(isAlive)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
    await rm(dataDir, { recursive: true, force: true });
  }, 20_000);

  it("starts the services, the API and the worker, and stops every process on SIGTERM", async () => {
    launcher = spawn(TSX, [CLI, "start"], { cwd: REPO_ROOT, env, stdio: ["ignore", "ignore", "pipe"] });
    launcher.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = exitOf(launcher);

    const api = `http://127.0.0.1:${ports.api}`;
    const healthy = await waitUntil(async () => (await fetch(`${api}/health`)).ok, 45_000, 250);
    expect(healthy, stderr).toBe(true);
    expect(await (await fetch(`${api}/api/v1/health/db`)).json()).toMatchObject({ database: "connected" });
    await waitUntil(async () => stderr.includes("ready:"), 5_000);
    expect(stderr).toContain(`ready: API http://localhost:${ports.api}`);

    const object = `http://localhost:${ports.s3}/materials/dev-stack-test/hello.txt`;
    expect((await fetch(object, { method: "PUT", body: "hello from dev-stack" })).status).toBe(200);
    const read = await fetch(object); // No credentials: objects are readable anonymously.
    expect(read.status).toBe(200);
    expect(await read.text()).toBe("hello from dev-stack");

    const pid = launcher.pid ?? 0;
    started = await descendants(pid);
    // tsx, the launcher, its process-group child, postgres (+ its backends), redis, api, worker.
    expect(started.length).toBeGreaterThanOrEqual(6);
    const signalledAt = Date.now();
    launcher.kill("SIGTERM");
    expect(await exited).toBe(0);
    const allGone = await waitUntil(async () => started.every((p) => !isAlive(p)), 10_000 - (Date.now() - signalledAt));
    expect(allGone, `still alive: ${started.filter(isAlive).join(", ")}`).toBe(true);
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
    for (const port of Object.values(ports)) expect(await isPortOpen(port)).toBe(false);
  }, 60_000);

  it("exec runs a command with the service URLs and returns its exit code, leaving nothing running", async () => {
    const child = spawn(
      TSX,
      [CLI, "exec", "--", "node", "-e", "process.stdout.write(process.env.DATABASE_URL ?? ''); process.exit(3)"],
      { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    expect(await exitOf(child)).toBe(3);
    expect(stdout).toBe(`postgres://postgres:postgres@127.0.0.1:${ports.postgres}/learning_hub`);
    for (const port of [ports.postgres, ports.redis, ports.s3]) expect(await isPortOpen(port)).toBe(false);
  }, 30_000);
});
