import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app";
import { createTestApp, type TestApp } from "../support/app";
import { bearer, registerUser } from "../support/auth";

const CLI = fileURLToPath(new URL("../../src/cli/user-admin.ts", import.meta.url));
const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Each case spawns tsx processes, slow on a loaded machine. */
const SPAWNING_TIMEOUT_MS = 90_000;

describe("pnpm user:admin", { timeout: SPAWNING_TIMEOUT_MS }, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  /** Runs the command as `pnpm user:admin` does (tsx), against this test's database unless told otherwise. */
  const runCliWith = (databaseUrl: string, ...args: string[]) =>
    new Promise<CliResult>((resolve) => {
      const { config } = t.env;
      const env = {
        ...process.env,
        NODE_ENV: "test",
        DATABASE_URL: databaseUrl,
        REDIS_URL: config.redis.url,
        S3_ENDPOINT: config.storage.endpoint,
      };
      execFile(
        process.execPath,
        ["--import", "tsx", CLI, ...args],
        { cwd: REPO_ROOT, env },
        (error, stdout, stderr) => {
          resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
        },
      );
    });
  const runCli = (...args: string[]) => runCliWith(t.env.config.database.url, ...args);

  /** A fresh API process (no cached session state) with an admin-only route. */
  async function adminProbe(): Promise<FastifyInstance> {
    const app = await buildApp(t.deps);
    app.get("/probe/admin", { config: { auth: "admin" } }, async () => ({ ok: true }));
    await app.ready();
    return app;
  }

  async function probeStatus(token: string): Promise<{ status: number; code?: string }> {
    const app = await adminProbe();
    try {
      const res = await app.inject({ method: "GET", url: "/probe/admin", headers: bearer(token) });
      return { status: res.statusCode, code: res.statusCode === 200 ? undefined : res.json().error.code };
    } finally {
      await app.close();
    }
  }

  it("grants the role (email in any case); requireAdmin then admits the user and still refuses others", async () => {
    const admin = await registerUser(t.app);
    const other = await registerUser(t.app);
    expect(await probeStatus(admin.accessToken)).toEqual({ status: 403, code: "FORBIDDEN" });

    const granted = await runCli(admin.email.toUpperCase());
    expect(granted).toEqual({ code: 0, stdout: `${admin.email} (id ${admin.id}) is now an admin.\n`, stderr: "" });

    expect(await probeStatus(admin.accessToken)).toEqual({ status: 200 });
    expect(await probeStatus(other.accessToken)).toEqual({ status: 403, code: "FORBIDDEN" });

    const revoked = await runCli(admin.email, "--revoke");
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toBe(`${admin.email} (id ${admin.id}) is no longer an admin.\n`);
    expect(await probeStatus(admin.accessToken)).toEqual({ status: 403, code: "FORBIDDEN" });
  });

  it("an unknown email exits 1 with a clear message", async () => {
    const result = await runCli("nobody-here@example.com");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("No user with email nobody-here@example.com");
  });

  it("a database it cannot use exits 3 naming the cause", async () => {
    const missing = t.env.config.database.url.replace(/\/[^/]+$/, "/lh_no_such_database");
    const result = await runCliWith(missing, "someone@example.com");
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('user:admin failed: database "lh_no_such_database" does not exist');
  });

  it("bad usage exits 2 with the usage line", async () => {
    for (const args of [[], ["a@example.com", "b@example.com"], ["a@example.com", "--force"]]) {
      const result = await runCli(...args);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("usage: user:admin <email> [--revoke]");
    }
  });
});
