import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { request } from "node:http";
import { configEnvironment, createTestEnvironment, type TestEnvironment } from "@learning-hub/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, spawnApi, waitForHealth } from "./support/api-process";
import { fixture, multipartForm } from "./support/multipart";

describe("graceful shutdown of the API process", () => {
  let env: TestEnvironment;
  let api: ChildProcess;
  let base: string;
  let port: number;

  beforeAll(async () => {
    env = await createTestEnvironment();
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    api = spawnApi({
      ...configEnvironment(env.config),
      LOG_LEVEL: "silent",
      HOST: "127.0.0.1",
      PORT: String(port),
      API_METRICS_PORT: "0",
      SHUTDOWN_TIMEOUT_SECONDS: "10",
    });
    await waitForHealth(base, 30_000);
  }, 60_000);
  afterAll(async () => {
    if (api.exitCode === null) api.kill("SIGKILL");
    await env.dispose();
  });

  it("on SIGTERM stops accepting, finishes the upload in flight, then exits 0", async () => {
    const credentials = { email: "shutdown@example.com", name: "Shutdown", password: "shutdown-password-123" };
    const json = { "content-type": "application/json" };
    await fetch(`${base}/api/v1/auth/register`, { method: "POST", headers: json, body: JSON.stringify(credentials) });
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ email: credentials.email, password: credentials.password }),
    });
    const { access_token: token } = (await login.json()) as { access_token: string };

    const form = multipartForm([
      { name: "title", value: "In flight at shutdown" },
      {
        name: "file",
        filename: "handout.pdf",
        content: fixture("handout-5-pages.pdf"),
        contentType: "application/pdf",
      },
    ]);
    const body = await form.buffer();
    const req = request({
      host: "127.0.0.1",
      port,
      method: "POST",
      path: "/api/v1/upload",
      headers: {
        authorization: `Bearer ${token}`,
        ...form.headers,
        "content-length": String(body.length),
      },
    });
    const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
      req.on("error", reject);
      req.on("response", async (res) => {
        let text = "";
        for await (const chunk of res) text += chunk;
        resolve({ status: res.statusCode ?? 0, body: text });
      });
    });

    // Half the body, then the signal, then the rest: the request is in flight when shutdown starts.
    const half = Math.floor(body.length / 2);
    req.write(body.subarray(0, half));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const exited = once(api, "exit");
    api.kill("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 500));

    // New connections are refused while the in-flight request is still being served.
    await expect(fetch(`${base}/health`)).rejects.toThrow();

    req.end(body.subarray(half));
    const result = await response;
    expect(result.status).toBe(201);
    expect(JSON.parse(result.body)).toMatchObject({ title: "In flight at shutdown", status: "active" });

    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
  }, 60_000);
});
