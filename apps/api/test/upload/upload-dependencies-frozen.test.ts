import { createDatabase } from "@learning-hub/db";
import { createClientConnection } from "@learning-hub/queue";
import { createStorage } from "@learning-hub/storage";
import { TcpProxy, testServices } from "@learning-hub/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app";
import { bearer, type RegisteredUser, registerUser } from "../support/auth";
import { insertMaterial } from "../support/materials";
import { multipartForm } from "../support/multipart";
import { leftovers, postUpload } from "../support/uploads";

const STORAGE_TIMEOUT_MS = 1_000;
const REDIS_COMMAND_TIMEOUT_MS = 500;
/** The documented bound of a failed upload: the storage call that times out, then removing what it may have left. */
const UPLOAD_FAILURE_BOUND_MS = 2 * STORAGE_TIMEOUT_MS + 1_000;

const s3 = new URL(inject("s3Endpoint"));
const proxies = {
  database: TcpProxy.forUrl(testServices().postgresAdminUrl),
  redis: TcpProxy.forUrl(testServices().redisUrl),
  storage: new TcpProxy(s3.hostname, Number(s3.port)),
};
let t: TestApp;
let alice: RegisteredUser;

beforeAll(async () => {
  for (const proxy of Object.values(proxies)) await proxy.start();
  t = await createTestApp({
    env: {
      STORAGE_TIMEOUT_MS: String(STORAGE_TIMEOUT_MS),
      REDIS_COMMAND_TIMEOUT_MS: String(REDIS_COMMAND_TIMEOUT_MS),
      // Every request then asks Redis first (rate limits are counted there).
      RATE_LIMIT_ENABLED: "true",
      RATE_LIMIT_MAX: "10000",
      RATE_LIMIT_AUTH_MAX: "1000",
    },
    override: (deps) => ({
      database: createDatabase({
        url: proxies.database.proxiedUrl(deps.config.database.url),
        connectTimeoutSeconds: 2,
      }),
      redis: createClientConnection(proxies.redis.proxiedUrl(deps.config.redis.url), {
        commandTimeout: deps.config.redis.commandTimeoutMs,
      }).on("error", () => {}),
      storage: createStorage({ ...deps.config.storage, endpoint: `${s3.protocol}//127.0.0.1:${proxies.storage.port}` }),
    }),
  });
  if (t.deps.redis.status !== "ready") await new Promise((resolve) => t.deps.redis.once("ready", resolve));
  alice = await registerUser(t.app);
});

afterAll(async () => {
  await t?.close();
  t?.deps.redis.disconnect();
  await t?.deps.database.close();
  for (const proxy of Object.values(proxies)) await proxy.stop();
});

const pdfForm = (title: string) =>
  multipartForm([
    { name: "title", value: title },
    { name: "file", filename: "notes.pdf", content: Buffer.from("%PDF-1.7\nsmall\n%%EOF\n") },
  ]);

describe("POST /api/v1/upload while a dependency hangs or is down", () => {
  it(`answers 500 UPLOAD_FAILED within ${UPLOAD_FAILURE_BOUND_MS} ms when the store is frozen, leaving no row and no object`, async () => {
    proxies.storage.freeze();
    const started = Date.now();
    const response = await postUpload(t, alice.accessToken, pdfForm("Frozen store"));
    const elapsed = Date.now() - started;
    // Checked on the store itself, not through the frozen proxy.
    const left = await leftovers(t, alice.id);
    // Cut the frozen connections rather than deliver what they hold (that is the cleanup job's case).
    await proxies.storage.stop();
    await proxies.storage.start(proxies.storage.port);

    expect(response.statusCode, response.body).toBe(500);
    expect(response.json().error.code).toBe("UPLOAD_FAILED");
    expect(elapsed).toBeLessThan(UPLOAD_FAILURE_BOUND_MS);
    expect(left).toEqual({ rows: 0, objects: 0 });
  });

  it("answers 503 DATABASE_ERROR when PostgreSQL is down", async () => {
    // A request just before primes the session cache, so the upload itself meets the outage.
    expect(
      (await t.app.inject({ method: "GET", url: "/api/v1/auth/me", headers: bearer(alice.accessToken) })).statusCode,
    ).toBe(200);
    await proxies.database.pause();
    try {
      const response = await postUpload(t, alice.accessToken, pdfForm("Database down"));
      expect(response.statusCode, response.body).toBe(503);
      expect(response.json().error.code).toBe("DATABASE_ERROR");
    } finally {
      await proxies.database.resume();
    }
    expect(await leftovers(t, alice.id)).toEqual({ rows: 0, objects: 0 });
  });
});

describe("Redis frozen in a request path", () => {
  it(`requests still answer (counted by the rate limiter in Redis) within the ${REDIS_COMMAND_TIMEOUT_MS} ms command timeout`, async () => {
    const material = await insertMaterial(t.env.database.db, { uploaderId: alice.id });
    proxies.redis.freeze();
    try {
      for (const url of ["/api/v1/materials", `/api/v1/materials/${material.id}`]) {
        const started = Date.now();
        const response = await t.app.inject({ method: "GET", url });
        expect(response.statusCode, url).toBe(200);
        expect(Date.now() - started).toBeLessThan(REDIS_COMMAND_TIMEOUT_MS + 1_000);
      }
    } finally {
      proxies.redis.thaw();
    }
  });
});
