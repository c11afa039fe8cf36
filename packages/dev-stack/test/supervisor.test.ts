import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitUntil, within } from "../src/net";
import { REPO_ROOT } from "../src/stack";
import { type RestartPolicy, restartDelayMs, SupervisedApp } from "../src/supervisor";

describe("restartDelayMs", () => {
  const policy: RestartPolicy = { initialDelayMs: 1000, maxDelayMs: 30_000, stableAfterMs: 10_000, maxQuickExits: 5 };

  it("doubles with each quick exit in a row, up to the cap", () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => restartDelayMs(policy, n))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000,
    ]);
  });
});

describe("SupervisedApp", () => {
  let dir: string;
  let runs: string;
  let script: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "supervisor-test-"));
    runs = join(dir, "runs.txt");
    script = join(dir, "app.mjs");
    // Records each start, then exits 3 at once.
    await writeFile(
      script,
      `import { appendFileSync } from "node:fs";\nappendFileSync(${JSON.stringify(runs)}, "run\\n");\nprocess.exit(3);\n`,
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const runCount = async () => (await readFile(runs, "utf8").catch(() => "")).split("\n").filter(Boolean).length;
  const options = () => ({ cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? "" } });

  it("restarts an app that exits, and gives up when it keeps exiting right after starting", async () => {
    await rm(runs, { force: true });
    const policy = { initialDelayMs: 10, maxDelayMs: 40, stableAfterMs: 60_000, maxQuickExits: 3 };
    const app = new SupervisedApp("crashing", script, options(), policy);
    expect(await within(app.gaveUp, 20_000)).toEqual({ code: 3, signal: null });
    expect(await runCount()).toBe(4);
    await app.stop(1000);
  }, 30_000);

  it("stops restarting at stop(), even while waiting to restart", async () => {
    await rm(runs, { force: true });
    const policy = { initialDelayMs: 60_000, maxDelayMs: 60_000, stableAfterMs: 60_000, maxQuickExits: 3 };
    const app = new SupervisedApp("crashing", script, options(), policy);
    expect(await waitUntil(async () => (await runCount()) === 1, 10_000)).toBe(true);
    expect(await within(app.stop(1000), 2000)).not.toBe("timeout");
    expect(await within(app.gaveUp, 100)).toBe("timeout");
    expect(await runCount()).toBe(1);
  }, 30_000);
});
