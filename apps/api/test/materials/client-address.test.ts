import { randomBytes } from "node:crypto";
import { MaterialsRepository } from "@learning-hub/db/repositories/materials";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_VIEW_COUNTER, ViewCounter } from "../../src/services/view-counter";
import { createTestApp } from "../support/app";
import { registerUser } from "../support/auth";
import { insertMaterial } from "../support/materials";

const CLIENT = "198.51.100.7";
const PROXY = "10.1.2.3";

/** An app with TRUST_PROXY as given (rate limits on: 3 logins per window), and its view flusher. */
async function appTrusting(trustProxy: string) {
  const t = await createTestApp({
    env: {
      TRUST_PROXY: trustProxy,
      RATE_LIMIT_ENABLED: "true",
      RATE_LIMIT_MAX: "1000",
      RATE_LIMIT_AUTH_MAX: "3",
      REDIS_PREFIX: `lhtest:addr:${randomBytes(4).toString("hex")}`,
    },
  });
  const flusher = new ViewCounter(t.redis, new MaterialsRepository(t.env.database.db), pino({ level: "silent" }), {
    ...DEFAULT_VIEW_COUNTER,
    prefix: t.env.config.redis.prefix,
    flushIntervalMs: 0,
  });
  const owner = await registerUser(t.app);
  const material = await insertMaterial(t.env.database.db, { uploaderId: owner.id });

  /** Anonymous views of one material from `remoteAddress`, each with its own X-Forwarded-For; the stored count. */
  async function viewsCounted(remoteAddress: string, forwardedFor: string[]): Promise<number> {
    for (const value of forwardedFor) {
      const response = await t.app.inject({
        method: "GET",
        url: `/api/v1/materials/${material.id}`,
        remoteAddress,
        headers: { "x-forwarded-for": value },
      });
      expect(response.statusCode).toBe(200);
    }
    await flusher.flush();
    return (await new MaterialsRepository(t.env.database.db).findForViewer(material.id))?.viewCount ?? -1;
  }

  /** Failed logins from `remoteAddress`, each claiming another address; their statuses. */
  async function loginStatuses(remoteAddress: string, forwardedFor: string[]): Promise<number[]> {
    const statuses: number[] = [];
    for (const value of forwardedFor) {
      const response = await t.app.inject({
        method: "POST",
        url: "/api/v1/auth/login",
        remoteAddress,
        headers: { "x-forwarded-for": value },
        payload: { email: owner.email, password: "not-the-password" },
      });
      statuses.push(response.statusCode);
    }
    return statuses;
  }
  return { t, viewsCounted, loginStatuses };
}

const spoofed = (count: number) => Array.from({ length: count }, (_, i) => `203.0.113.${i + 1}`);

describe("TRUST_PROXY unset: the socket address is the client", () => {
  let app: Awaited<ReturnType<typeof appTrusting>>;
  beforeAll(async () => {
    app = await appTrusting("");
  });
  afterAll(() => app.t.close());

  it("20 anonymous views with 20 different X-Forwarded-For headers count once", async () => {
    expect(await app.viewsCounted(CLIENT, spoofed(20))).toBe(1);
  });

  it("changing X-Forwarded-For does not escape the login rate limit", async () => {
    const statuses = await app.loginStatuses(CLIENT, spoofed(6));
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429]);
  });
});

describe("TRUST_PROXY listing the proxy: X-Forwarded-For counts only when the proxy sends it", () => {
  let app: Awaited<ReturnType<typeof appTrusting>>;
  beforeAll(async () => {
    app = await appTrusting("10.0.0.0/8");
  });
  afterAll(() => app.t.close());

  it("through the trusted proxy, each forwarded client is its own viewer", async () => {
    expect(await app.viewsCounted(PROXY, spoofed(3))).toBe(3);
  });

  it("from an untrusted peer, the header is ignored", async () => {
    const before = await app.viewsCounted(PROXY, []);
    expect(await app.viewsCounted(CLIENT, ["192.0.2.1", "192.0.2.2", "192.0.2.3"])).toBe(before + 1);
  });

  it("a client cannot hide behind an address it prepends: the proxy's last hop is taken", async () => {
    // The proxy appends the real client (192.0.2.50) to whatever the client sent.
    const statuses = await app.loginStatuses(
      PROXY,
      spoofed(5).map((fake) => `${fake}, 192.0.2.50`),
    );
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });
});

describe("TRUST_PROXY as a hop count", () => {
  let app: Awaited<ReturnType<typeof appTrusting>>;
  beforeAll(async () => {
    app = await appTrusting("1");
  });
  afterAll(() => app.t.close());

  it("takes the address the one proxy appended, not the ones the client wrote", async () => {
    const statuses = await app.loginStatuses(
      PROXY,
      spoofed(5).map((fake) => `${fake}, 192.0.2.60`),
    );
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });
});
