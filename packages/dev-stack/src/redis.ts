import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdir, readFile, realpath } from "node:fs/promises";
import { connect } from "node:net";
import { join } from "node:path";
import { log, StackError } from "./log";
import { isAlive, isPortOpen, terminate, waitUntil } from "./net";
import { OwnershipFile } from "./ownership";
import type { ProvidedService, StackPaths } from "./stack";

const BINARY = "redis-server";
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 8_000;

interface RedisServerInfo {
  ready: boolean;
  dir?: string;
  pid?: number;
}

function command(...args: string[]): string {
  return `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join("")}`;
}

/**
 * Asks whatever listens on `port` for PING, its data directory and its pid, over raw RESP (the
 * launcher needs three answers, not a client library). `undefined` when it does not speak Redis.
 */
function redisServerInfo(port: number): Promise<RedisServerInfo | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" });
    let reply = "";
    socket.setTimeout(1000);
    socket.on("connect", () => {
      socket.write(command("PING") + command("CONFIG", "GET", "dir") + command("INFO", "server") + command("QUIT"));
    });
    socket.on("data", (chunk) => {
      reply += chunk.toString("utf8");
    });
    const finish = () => {
      socket.destroy();
      if (!/^[+-]/.test(reply)) return resolve(undefined);
      const dir = /\$3\r\ndir\r\n\$\d+\r\n([^\r]*)\r\n/.exec(reply)?.[1];
      const pid = /process_id:(\d+)/.exec(reply)?.[1];
      resolve({ ready: reply.startsWith("+PONG"), dir, pid: pid === undefined ? undefined : Number(pid) });
    };
    socket.on("end", finish);
    socket.on("timeout", finish);
    socket.on("error", finish);
  });
}

function binaryInstalled(): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(BINARY, ["--version"], (error) => resolve(error === null));
  });
}

async function lastLogLines(path: string): Promise<string> {
  const content = await readFile(path, "utf8").catch(() => "");
  return content.trim().split("\n").slice(-3).join(" | ");
}

async function reuseRunning(port: number, dir: string, ownership: OwnershipFile, env: Record<string, string>) {
  const info = await redisServerInfo(port);
  if (info === undefined) {
    throw new StackError(
      `port ${port} is in use by something that is not Redis: free it, set DEV_REDIS_PORT to a free port, or set REDIS_URL`,
    );
  }
  const ours = info.dir !== undefined && (await realpath(info.dir).catch(() => info.dir)) === (await realpath(dir));
  if (!ours || info.pid === undefined) {
    throw new StackError(
      `port ${port} is in use by another Redis (dir ${info.dir ?? "unknown"}): set DEV_REDIS_PORT to a free port, or set REDIS_URL to use it`,
    );
  }
  const pid = info.pid;
  if (!(await waitUntil(async () => (await redisServerInfo(port))?.ready === true, START_TIMEOUT_MS))) {
    throw new StackError(`the Redis on port ${port} (pid ${pid}) does not answer PING`);
  }
  if (await ownership.ownedByOtherLauncher(pid, port)) {
    log(`Redis: reusing the one already running on port ${port} (pid ${pid})`);
    return { name: "redis", env, stop: async () => {} };
  }
  log(`Redis: adopting the one left running on port ${port} (pid ${pid})`);
  await ownership.claim(pid, port);
  return {
    name: "redis",
    env,
    stop: async () => {
      await terminate(pid, "SIGTERM", STOP_TIMEOUT_MS);
      await ownership.release();
    },
  };
}

export async function provideRedis(paths: StackPaths, port: number): Promise<ProvidedService> {
  const dir = join(paths.dataDir, "redis");
  await mkdir(dir, { recursive: true });
  await mkdir(paths.logDir, { recursive: true });
  const env = { REDIS_URL: `redis://127.0.0.1:${port}` };
  const ownership = new OwnershipFile(paths.runDir, "redis");

  if (await isPortOpen(port)) return reuseRunning(port, dir, ownership, env);
  if (!(await binaryInstalled())) {
    throw new StackError(`${BINARY} not found: install redis-server (apt-get install redis-server) or set REDIS_URL`);
  }

  const logPath = join(paths.logDir, "redis.log");
  // Its own process group: a terminal Ctrl-C must not stop Redis before the apps using it.
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes"];
  const child: ChildProcess = spawn(BINARY, [...args, "--daemonize", "no", "--logfile", logPath], {
    detached: true,
    stdio: "ignore",
  });
  const pid = child.pid;
  if (pid === undefined) throw new StackError(`could not start ${BINARY}`);
  let exited = false;
  const markExited = () => {
    exited = true;
  };
  child.once("exit", markExited);
  child.once("error", markExited);
  // Should the launcher die on an uncaught error, Redis goes with it.
  const killOnExit = () => child.kill("SIGTERM");
  process.once("exit", killOnExit);

  const stop = async () => {
    process.removeListener("exit", killOnExit);
    if (!exited && isAlive(pid)) await terminate(pid, "SIGTERM", STOP_TIMEOUT_MS);
    await ownership.release();
  };
  const ready = await waitUntil(async () => exited || (await redisServerInfo(port))?.ready === true, START_TIMEOUT_MS);
  if (!ready || exited) {
    await stop();
    const reason = ready ? await lastLogLines(logPath) : `not ready after ${START_TIMEOUT_MS / 1000} s`;
    throw new StackError(`redis-server failed to start on port ${port}: ${reason} (log: ${logPath})`);
  }
  await ownership.claim(pid, port);
  log(`Redis: started on port ${port} (pid ${pid}, data ${dir})`);
  return { name: "redis", env, stop };
}
