import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { vi } from "vitest";

const repositoryRoot = fileURLToPath(new URL("../../../../", import.meta.url));

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function waitForHealth(base: string, deadlineMs: number): Promise<void> {
  await vi.waitFor(
    async () => {
      const ok = await fetch(`${base}/health`).then(
        (res) => res.ok,
        () => false,
      );
      if (!ok) throw new Error("the API did not become healthy");
    },
    { timeout: deadlineMs, interval: 200 },
  );
}

/** `apps/api/src/main.ts` in a process of its own (one node process, so signals reach the API itself). */
export function spawnApi(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "apps/api/src/main.ts"], {
    cwd: repositoryRoot,
    env,
    stdio: "ignore",
  });
}
