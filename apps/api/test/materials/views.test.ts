import { createDatabase } from "@learning-hub/db";
import { MaterialsRepository } from "@learning-hub/db/repositories/materials";
import { createClientConnection } from "@learning-hub/queue";
import { TcpProxy, testServices } from "@learning-hub/testing";
import type { FastifyInstance } from "fastify";
import { pino } from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app";
import { DEFAULT_VIEW_COUNTER, ViewCounter } from "../../src/services/view-counter";
import { createTestApp, type TestApp } from "../support/app";
import { bearer, type RegisteredUser, registerUser } from "../support/auth";
import { insertMaterial } from "../support/materials";

describe("view counting", () => {
  let t: TestApp;
  let second: FastifyInstance;
  let flusher: ViewCounter;
  let alice: RegisteredUser;
  let bob: RegisteredUser;
  let materialId: number;

  beforeAll(async () => {
    t = await createTestApp();
    // A second API process: its own app on the same database and Redis prefix.
    second = await buildApp(t.deps);
    await second.ready();
    // Any process may flush the shared buffer; the tests flush on demand instead of waiting for the timer.
    flusher = new ViewCounter(t.redis, new MaterialsRepository(t.env.database.db), pino({ level: "silent" }), {
      ...DEFAULT_VIEW_COUNTER,
      prefix: t.env.config.redis.prefix,
      flushIntervalMs: 0,
    });
    alice = await registerUser(t.app);
    bob = await registerUser(t.app);
  });
  beforeEach(async () => {
    materialId = (await insertMaterial(t.env.database.db, { uploaderId: alice.id })).id;
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  const view = (app: FastifyInstance, headers: Record<string, string> = {}) =>
    app.inject({ method: "GET", url: `/api/v1/materials/${materialId}`, headers });

  async function storedViews(): Promise<number> {
    await flusher.flush();
    const row = await new MaterialsRepository(t.env.database.db).findForViewer(materialId);
    return row?.viewCount ?? -1;
  }

  it("repeated views by one user within 10 minutes count once", async () => {
    for (let i = 0; i < 3; i++) expect((await view(t.app, bearer(bob.accessToken))).statusCode).toBe(200);
    expect(await storedViews()).toBe(1);
    // The flushed count shows in the next response.
    expect((await view(t.app, bearer(bob.accessToken))).json().view_count).toBe(1);
    expect(await storedViews()).toBe(1);
  });

  it("two viewers count twice", async () => {
    await view(t.app, bearer(bob.accessToken));
    await view(t.app, bearer(alice.accessToken));
    await view(t.app, bearer(bob.accessToken));
    expect(await storedViews()).toBe(2);
  });

  it("anonymous viewers are told apart by client address (the socket's; TRUST_PROXY: see client-address.test.ts)", async () => {
    const viewFrom = (remoteAddress: string) =>
      t.app.inject({ method: "GET", url: `/api/v1/materials/${materialId}`, remoteAddress });
    await viewFrom("203.0.113.1");
    await viewFrom("203.0.113.1");
    await viewFrom("203.0.113.2");
    expect(await storedViews()).toBe(2);
  });

  it("a second API process sharing Redis does not count the same viewer again", async () => {
    await view(t.app, bearer(bob.accessToken));
    await view(second, bearer(bob.accessToken));
    await view(second, { "x-forwarded-for": "198.51.100.7" });
    await view(t.app, { "x-forwarded-for": "198.51.100.7" });
    expect(await storedViews()).toBe(2);
  });

  it("views of a material its viewer may not see are not counted", async () => {
    const hidden = await insertMaterial(t.env.database.db, { uploaderId: alice.id, status: "hidden" });
    const res = await t.app.inject({
      method: "GET",
      url: `/api/v1/materials/${hidden.id}`,
      headers: bearer(bob.accessToken),
    });
    expect(res.statusCode).toBe(404);
    await flusher.flush();
    expect((await new MaterialsRepository(t.env.database.db).findForViewer(hidden.id))?.viewCount).toBe(0);
  });

  it("a flush that cannot reach PostgreSQL keeps the views for the next one", async () => {
    const proxy = TcpProxy.forUrl(t.env.config.database.url);
    await proxy.start();
    const unreachable = createDatabase({
      url: proxy.proxiedUrl(t.env.config.database.url),
      connectTimeoutSeconds: 1,
    });
    const failing = new ViewCounter(t.redis, new MaterialsRepository(unreachable.db), pino({ level: "silent" }), {
      ...DEFAULT_VIEW_COUNTER,
      prefix: t.env.config.redis.prefix,
      flushIntervalMs: 0,
    });
    try {
      await view(t.app, bearer(bob.accessToken));
      await proxy.pause();
      await expect(failing.flush()).rejects.toThrow();
      await proxy.resume();
      expect(await storedViews()).toBe(1);
    } finally {
      await unreachable.close();
      await proxy.stop();
    }
  });

  it("closing the app flushes what it buffered", async () => {
    const third = await buildApp(t.deps);
    await view(third, bearer(bob.accessToken));
    await third.close();
    const row = await new MaterialsRepository(t.env.database.db).findForViewer(materialId);
    expect(row?.viewCount).toBe(1);
  });
});

describe("view counting while Redis is unreachable", () => {
  const proxy = TcpProxy.forUrl(testServices().redisUrl);
  const logLines: string[] = [];
  let t: TestApp;

  beforeAll(async () => {
    await proxy.start();
    t = await createTestApp({
      logger: pino({ level: "warn" }, { write: (line: string) => void logLines.push(line) }),
      override: (deps) => ({
        redis: createClientConnection(proxy.proxiedUrl(deps.config.redis.url)).on("error", () => {
          // Expected while the proxy is paused; the app logs its own warning.
        }),
      }),
    });
  });
  afterAll(async () => {
    t?.deps.redis.disconnect();
    await t?.close();
    await proxy.stop();
  });

  it("still serves the page, skipping the view", async () => {
    const owner = await registerUser(t.app);
    const material = await insertMaterial(t.env.database.db, { uploaderId: owner.id });
    await proxy.pause();
    const res = await t.app.inject({ method: "GET", url: `/api/v1/materials/${material.id}` });
    expect(res.statusCode).toBe(200);
    expect(res.json().id).toBe(material.id);
    expect(logLines.some((line) => line.includes("view not counted"))).toBe(true);
    await proxy.resume();
  });
});
