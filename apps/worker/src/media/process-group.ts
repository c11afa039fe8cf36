import { spawn } from "node:child_process";
import { MediaError } from "./media-error";

export interface ProcessGroupOptions {
  /** Aborting kills the whole process group (SIGKILL); the promise then rejects with the signal's reason. */
  signal: AbortSignal;
  /** Runs the command under `nice -n <niceness>` so it yields the CPU to lighter work on the same machine. */
  niceness?: number;
  /** Called with each complete line the process writes to stdout (e.g. ffmpeg's `-progress pipe:1`). */
  onStdoutLine?: (line: string) => void;
  /** Kept from the end of stderr for the failure reason. Default 64 KiB. */
  maxStderrBytes?: number;
}

export interface ProcessGroupResult {
  exitCode: number | null;
  stderr: string;
}

const DEFAULT_MAX_STDERR_BYTES = 64 * 1024;

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    // A negative pid addresses the process group the child leads (it was spawned detached).
    process.kill(-pid, "SIGKILL");
  } catch {
    // the group is already gone
  }
}

/**
 * Runs a tool that may start helpers of its own (LibreOffice's wrapper script starts soffice.bin) in a
 * process group of its own, and kills the whole group when the tool exits, fails or `signal` aborts: nothing
 * it started outlives the call. stdin is closed; stdout is only read line by line when asked for.
 */
export function runProcessGroup(
  file: string,
  args: string[],
  options: ProcessGroupOptions,
): Promise<ProcessGroupResult> {
  const { signal } = options;
  if (signal.aborted) return Promise.reject(signal.reason);
  const command = options.niceness === undefined ? file : "nice";
  const commandArgs = options.niceness === undefined ? args : ["-n", String(options.niceness), file, ...args];
  const maxStderr = options.maxStderrBytes ?? DEFAULT_MAX_STDERR_BYTES;

  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, {
      detached: true,
      stdio: ["ignore", options.onStdoutLine ? "pipe" : "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-maxStderr);
    });
    if (options.onStdoutLine) {
      const onLine = options.onStdoutLine;
      let pending = "";
      child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
        const lines = (pending + chunk).split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) onLine(line.trimEnd());
      });
    }
    const onAbort = () => killGroup(child.pid);
    signal.addEventListener("abort", onAbort, { once: true });
    child.once("error", (error) => {
      signal.removeEventListener("abort", onAbort);
      reject(new MediaError("INTERNAL", `could not run ${file}: ${error.message}`, { cause: error }));
    });
    // Helpers the tool left running go with it; they may hold its stdout/stderr open, which "close" awaits.
    child.once("exit", () => killGroup(child.pid));
    child.once("close", (exitCode) => {
      signal.removeEventListener("abort", onAbort);
      if (signal.aborted) reject(signal.reason);
      else resolve({ exitCode, stderr });
    });
  });
}
