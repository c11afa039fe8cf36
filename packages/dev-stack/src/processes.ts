import { type ChildProcess, spawn } from "node:child_process";
import { constants } from "node:os";
import { log } from "./log";
import { waitUntil, within } from "./net";

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface AppProcess {
  name: string;
  child: ChildProcess;
  exited: Promise<Exit>;
}

/** The shell convention: the exit code, or 128 + the signal's number. */
export function exitCode({ code, signal }: Exit): number {
  if (code !== null) return code;
  return 128 + (signal === null ? 0 : constants.signals[signal]);
}

function exitOf(child: ChildProcess): Promise<Exit> {
  return new Promise((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
    // Spawning failed (e.g. command not found): no "exit" event follows.
    child.once("error", () => resolve({ code: 127, signal: null }));
  });
}

/** Runs a command with the inherited stdio, in the launcher's process group (so it keeps the terminal). */
export function runCommand(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }) {
  const child = spawn(command, args, { ...options, stdio: "inherit" });
  child.once("error", (error) => log(`could not run ${command}: ${error.message}`));
  return { child, exited: exitOf(child) };
}

/**
 * Starts a TypeScript entrypoint (through tsx) in its own process group: a terminal Ctrl-C reaches
 * only the launcher, which then stops the apps before the services they use.
 */
export function spawnApp(name: string, entry: string, options: { cwd: string; env: NodeJS.ProcessEnv }): AppProcess {
  const child = spawn(process.execPath, ["--import", "tsx", entry], { ...options, stdio: "inherit", detached: true });
  return { name, child, exited: exitOf(child) };
}

function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // The group is empty.
  }
}

/** SIGTERM to the app's process group; SIGKILL to whatever is left after `timeoutMs`. */
export async function stopApp(app: AppProcess, timeoutMs: number): Promise<void> {
  const pid = app.child.pid;
  if (pid === undefined) return;
  signalGroup(pid, "SIGTERM");
  const exit = await within(app.exited, timeoutMs);
  if (exit === "timeout") log(`${app.name} did not stop within ${timeoutMs / 1000} s; killing it`);
  // Also catches processes the app started and left behind (e.g. an ffmpeg).
  if (exit === "timeout" || !(await waitUntil(async () => !signalGroup(pid, 0), 500))) {
    signalGroup(pid, "SIGKILL");
    await app.exited;
  }
}
