import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { configEnvironment } from "@learning-hub/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app";
import { type RegisteredUser, registerUser } from "../support/auth";
import { fakeMp4, RESUMABLE_PATH, sha256, startTus, tusMetadata } from "../support/tus";
import { rowsOf } from "../support/uploads";

const repositoryRoot = fileURLToPath(new URL("../../../../", import.meta.url));
const MiB = 1024 * 1024;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForHealth(base: string, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if (
      await fetch(`${base}/health`).then(
        (res) => res.ok,
        () => false,
      )
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error("the API did not become healthy");
}

describe("resumable uploads (tus) across an API restart", () => {
  let t: TestApp;
  let user: RegisteredUser;
  let api: ChildProcess | undefined;
  let port: number;

  const startApi = async () => {
    api = spawn(process.execPath, ["--import", "tsx", "apps/api/src/main.ts"], {
      cwd: repositoryRoot,
      env: {
        ...configEnvironment(t.env.config),
        LOG_LEVEL: "silent",
        HOST: "127.0.0.1",
        PORT: String(port),
        API_METRICS_PORT: "0",
      },
      stdio: "ignore",
    });
    await waitForHealth(`http://127.0.0.1:${port}`, 30_000);
  };

  beforeAll(async () => {
    t = await createTestApp();
    user = await registerUser(t.app);
    port = await freePort();
  }, 60_000);
  afterAll(async () => {
    if (api && api.exitCode === null) api.kill("SIGKILL");
    await t?.close();
  });

  it("resumes from the stored offset after the process that took the first half was killed", async () => {
    const endpoint = `http://127.0.0.1:${port}${RESUMABLE_PATH}`;
    const file = fakeMp4(64 * MiB);
    const chunkSize = 32 * MiB;
    await startApi();
    let sentAtKill = 0;
    const first = startTus(file, {
      endpoint,
      token: user.accessToken,
      metadata: tusMetadata("restart.mp4", "Restarted"),
      chunkSize,
      onProgress: (sent) => {
        if (sentAtKill === 0 && sent >= file.length / 2) {
          sentAtKill = sent;
          api?.kill("SIGKILL"); // a crash mid-PATCH: no graceful shutdown, its upload lock is left behind
        }
      },
    });
    await expect(first.done).rejects.toThrow();
    const url = first.upload.url ?? "";
    expect(url).toContain(RESUMABLE_PATH);
    if (api && api.exitCode === null) await once(api, "exit");

    await startApi();
    let resumedFrom = -1;
    const resumed = startTus(file, {
      endpoint,
      uploadUrl: url,
      token: user.accessToken,
      metadata: tusMetadata("restart.mp4", "Restarted"),
      chunkSize,
      extra: {
        onChunkComplete: (chunk, accepted) => {
          if (resumedFrom < 0) resumedFrom = accepted - chunk;
        },
      },
    });
    const { materialId } = await resumed.done;
    // Progress is recorded per stored part, so a crash costs at most the chunk in flight.
    expect(resumedFrom).toBeGreaterThan(0);
    expect(sentAtKill - resumedFrom).toBeLessThanOrEqual(chunkSize);

    const [row] = await rowsOf(t, user.id);
    expect(row).toMatchObject({ id: materialId, status: "active", fileSize: file.length });
    expect(sha256(await t.env.storage.getBuffer(row?.filePath ?? ""))).toBe(sha256(file));
  }, 120_000);
});
