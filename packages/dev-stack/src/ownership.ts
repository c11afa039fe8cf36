import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isAlive } from "./net";

/**
 * Which launcher started a service (`owner`) and the service's pid when it did. A second
 * launcher (`pnpm user:admin` while `pnpm start` runs) reuses a service whose owner
 * is alive, and only `pnpm start` adopts one whose owner died without stopping it.
 */
interface Ownership {
  owner: number;
  pid: number;
  port: number;
}

export class OwnershipFile {
  private readonly path: string;

  constructor(runDir: string, service: string) {
    this.path = join(runDir, `${service}.json`);
  }

  async read(): Promise<Ownership | undefined> {
    try {
      const parsed: unknown = JSON.parse(await readFile(this.path, "utf8"));
      if (typeof parsed === "object" && parsed !== null && "owner" in parsed && "pid" in parsed && "port" in parsed) {
        const { owner, pid, port } = parsed;
        if (typeof owner === "number" && typeof pid === "number" && typeof port === "number")
          return { owner, pid, port };
      }
    } catch {
      // Missing or unreadable: nobody owns it.
    }
    return undefined;
  }

  /**
   * Whether another live launcher owns the service on `port`. The service's pid is not compared: a
   * service restarted under a live launcher (a new pid) is still that launcher's to stop.
   */
  async ownedByOtherLauncher(port: number): Promise<boolean> {
    const current = await this.read();
    return current !== undefined && current.port === port && current.owner !== process.pid && isAlive(current.owner);
  }

  async claim(pid: number, port: number): Promise<void> {
    await mkdir(join(this.path, ".."), { recursive: true });
    await writeFile(this.path, JSON.stringify({ owner: process.pid, pid, port } satisfies Ownership));
  }

  async release(): Promise<void> {
    const current = await this.read();
    if (current?.owner === process.pid) await rm(this.path, { force: true });
  }
}
