import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdir, readFile, realpath } from "node:fs/promises";
import { join } from "node:path";
import { Redis } from "ioredis";
import { log, StackError } from "./log";
import { isAlive, isPortOpen, terminate, waitUntil } from "./net";
import { OwnershipFile } from "./ownership";
import type { Orphans, ProvidedService, StackPaths } from "./stack";

const BINARY = "redis-server";
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 8_000;

interface RedisServerInfo {
  ready: boolean;
  dir?: string;
  pid?: number;
}

/** A Redis error reply (`-LOADING …`, `-NOAUTH …`): whatever sent it speaks Redis. */
const isReplyError = (error: unknown): boolean => error instanceof Error && error.name === "ReplyError";

/**
 * Asks whatever listens on `port` for PING, its data directory and its pid. `undefined` when it
 * does not speak Redis. One short-lived connection that never retries: the caller polls.
 */
async function redisServerInfo(port: number): Promise<RedisServerInfo | undefined> {
  const client = new Redis({
    host: "127.0.0.1",
    port,
    lazyConnect: true,
    connectTimeout: 1000,
    commandTimeout: 1000,
    enableReadyCheck: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  // Failures reach the commands' promises; without a listener ioredis would also print them.
  client.on("error", () => {});
  try {
    await client.connect();
    const ready = await client.ping().then(
      () => true,
      (error: unknown) => {
        if (isReplyError(error)) return false; // e.g. still loading its data
        throw error;
      },
    );
    const dir = await client.config("GET", "dir").then(
      (reply) => (Array.isArray(reply) && typeof reply[1] === "string" ? reply[1] : undefined),
      () => undefined,
    );
    const pid = /process_id:(\d+)/.exec(await client.info("server").catch(() => ""))?.[1];
    return { ready, dir, pid: pid === undefined ? undefined : Number(pid) };
  } catch {
    return undefined;
  } finally {
    client.disconnect();
  }
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

/** Whether the Redis on `port` keeps its data in `dir`, i.e. is this stack's (whatever its pid now). */
async function ownRedisPid(port: number, dir: string): Promise<number | undefined> {
  const info = await redisServerInfo(port);
  if (info?.dir === undefined || info.pid === undefined) return undefined;
  const same = (await realpath(info.dir).catch(() => info.dir)) === (await realpath(dir));
  return same ? info.pid : undefined;
}

/**
 * Stops the stack's Redis on `port`: the one running now, which is not necessarily the process
 * this launcher started (it may have been restarted meanwhile).
 */
async function stopOwnRedis(port: number, dir: string, ownership: OwnershipFile): Promise<void> {
  const pid = await ownRedisPid(port, dir);
  if (pid !== undefined) await terminate(pid, "SIGTERM", STOP_TIMEOUT_MS);
  await ownership.release();
}

async function reuseRunning(
  port: number,
  dir: string,
  ownership: OwnershipFile,
  env: Record<string, string>,
  orphans: Orphans,
): Promise<ProvidedService> {
  const info = await redisServerInfo(port);
  if (info === undefined) {
    throw new StackError(
      `port ${port} is in use by something that is not Redis: free it, set DEV_REDIS_PORT to a free port, or set REDIS_URL`,
    );
  }
  const pid = await ownRedisPid(port, dir);
  if (pid === undefined) {
    throw new StackError(
      `port ${port} is in use by another Redis (dir ${info.dir ?? "unknown"}): set DEV_REDIS_PORT to a free port, or set REDIS_URL to use it`,
    );
  }
  if (!(await waitUntil(async () => (await redisServerInfo(port))?.ready === true, START_TIMEOUT_MS))) {
    throw new StackError(`the Redis on port ${port} (pid ${pid}) does not answer PING`);
  }
  if (orphans === "leave" || (await ownership.ownedByOtherLauncher(port))) {
    log(`Redis: reusing the one already running on port ${port} (pid ${pid})`);
    return { name: "redis", env, stop: async () => {} };
  }
  log(`Redis: adopting the one left running on port ${port} (pid ${pid})`);
  await ownership.claim(pid, port);
  return { name: "redis", env, stop: () => stopOwnRedis(port, dir, ownership) };
}

export async function provideRedis(paths: StackPaths, port: number, orphans: Orphans): Promise<ProvidedService> {
  const dir = join(paths.dataDir, "redis");
  await mkdir(dir, { recursive: true });
  await mkdir(paths.logDir, { recursive: true });
  const env = { REDIS_URL: `redis://127.0.0.1:${port}` };
  const ownership = new OwnershipFile(paths.runDir, "redis");

  if (await isPortOpen(port)) return reuseRunning(port, dir, ownership, env, orphans);
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

  const stopChild = async () => {
    process.removeListener("exit", killOnExit);
    if (!exited && isAlive(pid)) await terminate(pid, "SIGTERM", STOP_TIMEOUT_MS);
  };
  const stop = async () => {
    await stopChild();
    await ownership.release();
  };
  // Once up, stopping means the stack's Redis as it runs then, restarted meanwhile or not.
  const stopRunning = async () => {
    await stopChild();
    await stopOwnRedis(port, dir, ownership);
  };
  const ready = await waitUntil(async () => exited || (await redisServerInfo(port))?.ready === true, START_TIMEOUT_MS);
  if (!ready || exited) {
    await stop();
    const reason = ready ? await lastLogLines(logPath) : `not ready after ${START_TIMEOUT_MS / 1000} s`;
    throw new StackError(`redis-server failed to start on port ${port}: ${reason} (log: ${logPath})`);
  }
  await ownership.claim(pid, port);
  log(`Redis: started on port ${port} (pid ${pid}, data ${dir})`);
  return { name: "redis", env, stop: stopRunning };
}
