import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const repositoryRoot = fileURLToPath(new URL("../../../../", import.meta.url));

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

  /** What the process wrote to stderr so far (start-up failures land here, before the logger exists). */
  get errorOutput(): string {
    return this.stderr;
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
