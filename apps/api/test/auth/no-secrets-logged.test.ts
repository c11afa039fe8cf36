import { Writable } from "node:stream";
import { loadConfig } from "@learning-hub/config";
import { users } from "@learning-hub/db";
import { createLogger } from "@learning-hub/lifecycle";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app";

/** Every line the app logs, kept in memory. */
class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void) {
    this.lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
    done();
  }
}

describe("no password or hash in logs or responses", () => {
  let t: TestApp;
  const capture = new LogCapture();
  const password = "Sup3r-Secret-Passphrase!";
  const email = `logged-${Date.now()}@example.com`;

  beforeAll(async () => {
    const traceConfig = loadConfig({
      DATABASE_URL: "postgres://unused/unused",
      REDIS_URL: "redis://unused",
      S3_ENDPOINT: "http://unused",
      LOG_LEVEL: "trace",
    });
    t = await createTestApp({ logger: createLogger(traceConfig, capture) });
  });
  afterAll(async () => {
    await t.close();
  });

  it("register, login, failed login and a failing insert leak neither", async () => {
    const bodies: string[] = [];
    const send = async (url: string, payload: Record<string, string>) => {
      const res = await t.app.inject({
        method: "POST",
        url,
        payload,
        // A client that sends its own credentials along in a header, too.
        headers: { authorization: `Bearer ${password}` },
      });
      bodies.push(res.body);
      return res;
    };

    expect((await send("/api/v1/auth/register", { email, name: "Logged", password })).statusCode).toBe(201);
    expect((await send("/api/v1/auth/login", { email, password })).statusCode).toBe(200);
    expect((await send("/api/v1/auth/login", { email, password: `${password}-wrong` })).statusCode).toBe(401);
    expect(
      (await send("/api/v1/auth/register", { email: "short@example.com", name: "x", password: "short" })).statusCode,
    ).toBe(400);

    // Make the next insert fail inside PostgreSQL, so the 500 path logs the failed query with its error.
    await t.env.database.sql`alter table users add constraint reject_probe check (name <> 'Reject Me')`;
    const failing = await send("/api/v1/auth/register", { email: `x-${email}`, name: "Reject Me", password });
    expect(failing.statusCode).toBe(500);

    const [row] = await t.env.database.db
      .select({ hash: users.passwordHash })
      .from(users)
      .where(eq(users.email, email));
    const hash = row?.hash ?? "";
    expect(hash).toMatch(/^\$argon2id\$/);

    const log = capture.lines.join("\n");
    // The capture really holds the traffic: requests, rejections and the failed query.
    expect(log).toContain("/api/v1/auth/login");
    expect(log).toContain("request rejected");
    expect(log).toContain("reject_probe");
    for (const text of [log, ...bodies]) {
      expect(text).not.toContain(password);
      expect(text).not.toContain(hash);
      expect(text).not.toContain(hash.split("$").pop());
      expect(text).not.toMatch(/\$argon2id\$/);
    }
  });
});
