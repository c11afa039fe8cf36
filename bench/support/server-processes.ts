import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";

/**
 * Benchmark servers, each in its own process so the load generator does not share its event loop. A server
 * script prints `ready` once listening.
 */
export class ServerProcesses {
  private readonly children: ChildProcess[] = [];

  /**
   * Runs `script` (a TypeScript file) with `args` and waits for its `ready`; `args[0]` names it in errors.
   * Returns its process id.
   */
  async start(script: string, args: string[]): Promise<number> {
    const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    this.children.push(child);
    let output = "";
    child.stdout?.setEncoding("utf8");
    child.stdout?.on("data", (chunk: string) => {
      output += chunk;
    });
    const started = Date.now();
    while (!output.includes("ready")) {
      if (child.exitCode !== null) throw new Error(`server ${args[0]} exited with ${child.exitCode}`);
      if (Date.now() - started > 60_000) throw new Error(`server ${args[0]} did not start`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (child.pid === undefined) throw new Error(`server ${args[0]} has no process id`);
    return child.pid;
  }

  /** Stops every server started and waits for them to exit. */
  async stopAll(): Promise<void> {
    for (const child of this.children) child.kill("SIGTERM");
    await Promise.all(this.children.map((child) => (child.exitCode === null ? once(child, "exit") : undefined)));
  }
}
