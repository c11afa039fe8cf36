import { type ChildProcess, spawn } from "node:child_process";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { childEnvironment } from "@learning-hub/config";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePorts, isAlive, isPortOpen, waitUntil } from "../src/net";
import { REPO_ROOT } from "../src/stack";
import { CLI, commandLine, descendants, exitOf, TSX } from "./support";

/** A one-page PDF with a filled rectangle, enough for a thumbnail. */
function onePagePdf(): Buffer {
  const content = "0 0 1 rg 20 20 160 60 re f";
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R >>",
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
  ];
  let pdf = "%PDF-1.4\n";
  const offsets = objects.map((object, index) => {
    const offset = pdf.length;
    pdf += `${index + 1} 0 obj\n${object}\nendobj\n`;
    return offset;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  pdf += offsets.map((offset) => `${String(offset).padStart(10, "0")} 00000 n \n`).join("");
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, "latin1");
}

/** PING and the pid of the Redis on `port`, or `undefined` when none answers. */
async function redisPid(port: number): Promise<number | undefined> {
  const client = new Redis({
    port,
    host: "127.0.0.1",
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.ping();
    return Number(/process_id:(\d+)/.exec(await client.info("server"))?.[1]);
  } catch {
    return undefined;
  } finally {
    client.disconnect();
  }
}

async function workerPid(launcher: number): Promise<number | undefined> {
  for (const pid of await descendants(launcher)) {
    if ((await commandLine(pid)).includes("apps/worker/src/main.ts")) return pid;
  }
  return undefined;
}

describe("pnpm start keeps running", () => {
  let dataDir: string;
  const ports = { api: 0, postgres: 0, redis: 0, s3: 0 };
  let env: NodeJS.ProcessEnv;
  let launcher: ChildProcess;
  let launcherExited: Promise<number | null>;
  let stderr = "";
  /** Processes to make sure of at the end: the launcher's and the restarted Redis. */
  const leftovers: number[] = [];
  const api = () => `http://127.0.0.1:${ports.api}`;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "dev-stack-resilience-"));
    await chmod(dataDir, 0o755);
    Object.assign(ports, await freePorts(["api", "postgres", "redis", "s3"]));
    env = childEnvironment({
      DEV_STACK_DIR: dataDir,
      DEV_POSTGRES_PORT: String(ports.postgres),
      DEV_REDIS_PORT: String(ports.redis),
      DEV_S3_PORT: String(ports.s3),
      PORT: String(ports.api),
      DATABASE_URL: "",
      REDIS_URL: "",
      S3_ENDPOINT: "",
      API_METRICS_PORT: "0",
      WORKER_METRICS_PORT: "0",
      LOG_LEVEL: "warn",
    });
    launcher = spawn(TSX, [CLI, "start"], { cwd: REPO_ROOT, env, stdio: ["ignore", "ignore", "pipe"] });
    launcher.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    launcherExited = exitOf(launcher);
    const healthy = await waitUntil(async () => (await fetch(`${api()}/health`)).ok, 60_000, 250);
    if (!healthy) throw new Error(`the stack did not start: ${stderr}`);
  }, 90_000);

  afterAll(async () => {
    const root = launcher.pid;
    if (root !== undefined && isAlive(root)) leftovers.push(root, ...(await descendants(root)));
    for (const pid of leftovers.filter(isAlive)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
    await rm(dataDir, { recursive: true, force: true });
  }, 20_000);

  it("a helper run leaves the stack's Redis running, also after that Redis was restarted", async () => {
    const first = await redisPid(ports.redis);
    expect(first).toBeGreaterThan(0);
    process.kill(first ?? 0, "SIGTERM");
    expect(await waitUntil(async () => !isAlive(first ?? 0), 10_000)).toBe(true);
    // Restarted by hand on the same port and data, as someone fixing a stuck Redis would.
    const restarted = spawn(
      "redis-server",
      ["--port", String(ports.redis), "--bind", "127.0.0.1", "--dir", join(dataDir, "redis"), "--appendonly", "yes"],
      { detached: true, stdio: "ignore" },
    );
    restarted.unref();
    if (restarted.pid !== undefined) leftovers.push(restarted.pid);
    expect(await waitUntil(async () => (await redisPid(ports.redis)) === restarted.pid, 10_000)).toBe(true);

    const helper = spawn(TSX, [CLI, "exec", "--", "node", "-e", "process.exit(0)"], {
      cwd: REPO_ROOT,
      env,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let helperOutput = "";
    helper.stderr?.on("data", (chunk: Buffer) => {
      helperOutput += chunk.toString();
    });
    expect(await exitOf(helper)).toBe(0);
    expect(helperOutput).toContain("Redis: reusing");
    expect(await redisPid(ports.redis)).toBe(restarted.pid);
    expect((await fetch(`${api()}/health`)).ok).toBe(true);
  }, 60_000);

  it("a killed worker is started again, and a thumbnail still completes", async () => {
    const root = launcher.pid ?? 0;
    const killed = await workerPid(root);
    expect(killed).toBeDefined();
    process.kill(killed ?? 0, "SIGKILL");
    expect(await waitUntil(async () => /worker exited \(code 137\); restarting it/.test(stderr), 10_000)).toBe(true);
    const restartedPid = await waitUntil(async () => {
      const pid = await workerPid(root);
      return pid !== undefined && pid !== killed;
    }, 15_000);
    expect(restartedPid, stderr).toBe(true);

    const json = { "content-type": "application/json" };
    const user = { email: "restart@example.com", name: "Restart", password: "a restart-proof passphrase" };
    expect(
      (await fetch(`${api()}/api/v1/auth/register`, { method: "POST", headers: json, body: JSON.stringify(user) }))
        .status,
    ).toBe(201);
    const login = await fetch(`${api()}/api/v1/auth/login`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ email: user.email, password: user.password }),
    });
    const { access_token: token } = (await login.json()) as { access_token: string };
    const auth = { authorization: `Bearer ${token}` };

    const form = new FormData();
    form.append("title", "Uploaded after a worker restart");
    form.append("file", new Blob([onePagePdf()], { type: "application/pdf" }), "restart.pdf");
    const upload = await fetch(`${api()}/api/v1/upload`, { method: "POST", headers: auth, body: form });
    expect(upload.status, await upload.clone().text()).toBe(201);
    const { id } = (await upload.json()) as { id: number };

    let status = "";
    await waitUntil(
      async () => {
        const res = await fetch(`${api()}/api/v1/upload/thumbnail-status/${id}`, { headers: auth });
        status = ((await res.json()) as { thumbnail_status: string }).thumbnail_status;
        return status !== "pending";
      },
      60_000,
      250,
    );
    expect(status, stderr).toBe("completed");
    expect(stderr).not.toContain("stopping everything");
  }, 120_000);

  it("still stops everything on SIGTERM, the restarted Redis included", async () => {
    launcher.kill("SIGTERM");
    expect(await launcherExited).toBe(0);
    for (const port of Object.values(ports)) expect(await isPortOpen(port), `port ${port}`).toBe(false);
  }, 30_000);
});
