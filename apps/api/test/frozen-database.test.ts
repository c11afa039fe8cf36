import { createDatabase } from "@learning-hub/db";
import { TcpProxy, testServices } from "@learning-hub/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./support/app";
import { bearer, type RegisteredUser, registerUser } from "./support/auth";
import { insertMaterial } from "./support/materials";

const HANDLER_TIMEOUT_MS = 1_500;

let t: TestApp;
let alice: RegisteredUser;
let materialId: number;
const proxy = TcpProxy.forUrl(testServices().postgresAdminUrl);

beforeAll(async () => {
  await proxy.start();
  t = await createTestApp({
    env: { HANDLER_TIMEOUT_MS: String(HANDLER_TIMEOUT_MS) },
    override: (deps) => ({
      database: createDatabase({
        url: proxy.proxiedUrl(deps.config.database.url),
        connectTimeoutSeconds: 2,
      }),
    }),
  });
  alice = await registerUser(t.app);
  materialId = (await insertMaterial(t.env.database.db, { uploaderId: alice.id })).id;
});
afterAll(async () => {
  proxy.thaw();
  await t.deps.database.close(0);
  await t.close();
  await proxy.stop();
});

describe("requests while PostgreSQL is frozen (accepts, never answers)", () => {
  it.each([
    ["GET", "/api/v1/materials"],
    ["GET", "/api/v1/materials/{id}"],
    ["GET", "/api/v1/upload/status/{id}"],
    ["POST", "/api/v1/auth/login"],
  ] as const)(`%s %s answers 503 in the envelope within the handler timeout`, async (method, path) => {
    // Warm connections: the pool holds open sockets that will simply stop answering.
    expect((await t.app.inject({ method: "GET", url: "/api/v1/health/db" })).statusCode).toBe(200);
    proxy.freeze();
    try {
      const started = Date.now();
      const response = await t.app.inject({
        method,
        url: path.replace("{id}", String(materialId)),
        headers: bearer(alice.accessToken),
        ...(method === "POST" ? { payload: { email: alice.email, password: alice.password } } : {}),
      });
      expect(Date.now() - started).toBeLessThan(HANDLER_TIMEOUT_MS + 2_000);
      expect(response.statusCode, response.body).toBe(503);
      expect(response.json()).toEqual({
        error: { code: expect.any(String), message: expect.any(String), details: expect.any(Object) },
      });
    } finally {
      proxy.thaw();
    }
  });
});
