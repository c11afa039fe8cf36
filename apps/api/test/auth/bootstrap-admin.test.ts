import type { ChildProcess } from "node:child_process";
import { UsersRepository } from "@learning-hub/db/repositories/users";
import { configEnvironment } from "@learning-hub/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grantBootstrapAdmin } from "../../src/services/bootstrap-admin";
import { freePort, spawnApi, waitForHealth } from "../support/api-process";
import { createTestApp, type TestApp } from "../support/app";
import { type RegisteredUser, registerUser } from "../support/auth";

/** A spawned API process and its migrations, slow on a loaded machine. */
const SPAWNING_TIMEOUT_MS = 90_000;

describe("ADMIN_EMAIL: the first admin of an install", { timeout: SPAWNING_TIMEOUT_MS }, () => {
  let t: TestApp;
  let firstAdmin: RegisteredUser;
  let someoneElse: RegisteredUser;
  let api: ChildProcess | undefined;

  beforeAll(async () => {
    t = await createTestApp();
    firstAdmin = await registerUser(t.app, { email: "operator@example.com" });
    someoneElse = await registerUser(t.app);
  });
  afterAll(async () => {
    if (api && api.exitCode === null) api.kill("SIGKILL");
    await t.close();
  });

  const login = async (base: string, user: RegisteredUser): Promise<string> => {
    const res = await fetch(`${base}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: user.email, password: user.password }),
    });
    return ((await res.json()) as { access_token: string }).access_token;
  };
  const schedulerStatus = (base: string, token: string) =>
    fetch(`${base}/api/v1/admin/scheduler/status`, { headers: { authorization: `Bearer ${token}` } });

  it("the API grants the role at start to that account (email in any case), and to no one else", async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    api = spawnApi({
      ...configEnvironment(t.env.config),
      LOG_LEVEL: "silent",
      HOST: "127.0.0.1",
      PORT: String(port),
      API_METRICS_PORT: "0",
      ADMIN_EMAIL: "Operator@Example.com",
    });
    await waitForHealth(base, 60_000);

    expect((await schedulerStatus(base, await login(base, firstAdmin))).status).toBe(200);
    expect((await schedulerStatus(base, await login(base, someoneElse))).status).toBe(403);
  });

  it("granting again changes nothing; an unregistered email only warns; no email does nothing", async () => {
    const users = new UsersRepository(t.deps.database.db);
    const warnings: unknown[] = [];
    const logger = { info: () => {}, warn: (...args: unknown[]) => warnings.push(args) };

    expect(await grantBootstrapAdmin(users, firstAdmin.email, logger)).toBe("granted");
    expect(await grantBootstrapAdmin(users, "nobody-yet@example.com", logger)).toBe("not-registered");
    expect(warnings).toEqual([
      [{ email: "nobody-yet@example.com" }, expect.stringContaining("register it, then restart the API")],
    ]);
    expect(await grantBootstrapAdmin(users, undefined, logger)).toBe("not-configured");
  });
});
