import { readFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { TimeoutError, withTimeout } from "@learning-hub/lifecycle";

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
export function isPortOpen(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.setTimeout(1000);
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
    socket.once("timeout", () => done(false));
  });
}

/** Polls `check` until it returns true or `timeoutMs` passes; returns whether it succeeded. */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, intervalMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return true;
    if (Date.now() >= deadline) return false;
    await sleep(intervalMs);
  }
}

/** Whether a process exists; a zombie (exited, not yet reaped by its parent) counts as gone. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  try {
    // Field 3 of /proc/<pid>/stat is the state; the command name before it is in parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true; // No procfs (macOS): trust kill(0).
  }
}

/** Sends `signal` to `pid`, waits up to `timeoutMs` for it to go, then SIGKILLs it. */
export async function terminate(pid: number, signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
  try {
    process.kill(pid, signal);
  } catch {
    return;
  }
  if (await waitUntil(async () => !isAlive(pid), timeoutMs)) return;
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

/** `promise`'s value, or "timeout" if it has not settled within `ms` (the timer does not outlive it). */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | "timeout"> {
  try {
    return await withTimeout(promise, ms, "waiting");
  } catch (error) {
    if (error instanceof TimeoutError) return "timeout";
    throw error;
  }
}

/**
 * A distinct free port for each name: every listener stays open until all ports are known, so the OS cannot
 * hand out one port twice (it did: Redis and s3rver were once given the same one).
 */
export async function freePorts<Name extends string>(names: readonly Name[]): Promise<Record<Name, number>> {
  const servers = names.map(() => createServer());
  try {
    const ports = await Promise.all(
      servers.map(async (server) => {
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const address = server.address();
        if (address === null || typeof address === "string") throw new Error("no port");
        return address.port;
      }),
    );
    return Object.fromEntries(names.map((name, index) => [name, ports[index]])) as Record<Name, number>;
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}
