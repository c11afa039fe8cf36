import { execFile, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { configEnvironment } from "@learning-hub/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app";
import { registerUser } from "../support/auth";

const API_DIR = fileURLToPath(new URL("../../", import.meta.url));
/** Inside the app's folder, so the bundle resolves npm packages from its node_modules as the image's does. */
const OUT_DIR = "node_modules/.cache/user-admin-bundle-test";

/** tsup and spawned processes, slow on a loaded machine. */
const BUILD_TIMEOUT_MS = 120_000;

describe("user:admin in the API bundle (what the image ships)", { timeout: BUILD_TIMEOUT_MS }, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    const build = spawnSync(process.execPath, ["node_modules/tsup/dist/cli-default.js", "--out-dir", OUT_DIR], {
      cwd: API_DIR,
      encoding: "utf8",
    });
    if (build.status !== 0) throw new Error(`tsup failed: ${build.stderr}`);
  }, BUILD_TIMEOUT_MS);
  afterAll(async () => {
    await t.close();
  });

  const runBundled = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [`${OUT_DIR}/user-admin.js`, ...args],
        { cwd: API_DIR, env: { PATH: process.env.PATH ?? "", ...configEnvironment(t.env.config) } },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });

  it("is bundled beside the server", () => {
    expect(existsSync(`${API_DIR}${OUT_DIR}/main.js`)).toBe(true);
    expect(existsSync(`${API_DIR}${OUT_DIR}/user-admin.js`)).toBe(true);
  });

  it("grants the role with plain node, and exits 1 for an unknown email", async () => {
    const user = await registerUser(t.app);
    const granted = await runBundled(user.email);
    expect(granted.stderr).toBe("");
    expect(granted).toMatchObject({ code: 0, stdout: `${user.email} (id ${user.id}) is now an admin.\n` });
    expect((await runBundled("nobody@example.com")).code).toBe(1);
  });
});
