import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app";
import { bearer, type RegisteredUser, registerUser } from "../support/auth";
import { leftovers } from "../support/uploads";

let t: TestApp;
let alice: RegisteredUser;
let origin: string;

beforeAll(async () => {
  t = await createTestApp();
  alice = await registerUser(t.app);
  await t.app.listen({ host: "127.0.0.1", port: 0 });
  origin = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});
afterAll(() => t.close());

/** A form whose first part's headers are `partHeaders` (no usable Content-Disposition) with `size` bytes of body. */
function formWithOddPart(partHeaders: string, size: number) {
  const boundary = `----LearningHubTest${randomBytes(8).toString("hex")}`;
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\n${partHeaders}\r\n\r\n`),
    Buffer.alloc(size, "a"),
    Buffer.from(`\r\n--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nOdd\r\n--${boundary}--\r\n`),
  ]);
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

describe("POST /api/v1/upload with parts the parser skips", () => {
  // The parser (busboy's Dicer) used to hold the body's write callback forever when a skipped part larger than a
  // stream buffer (16 KiB) ended in the same socket chunk as the closing delimiter: never answered. Patched in
  // patches/@fastify__busboy@*.patch.
  it.each([
    { headers: "Content-Type: text/plain", size: 20 * 1024 },
    { headers: "Content-Type: text/plain", size: 17 * 1024 },
    { headers: "Content-Type: text/plain", size: 60 * 1024 },
    { headers: 'Content-Disposition: attachment; name="file"', size: 20 * 1024 },
  ])("answers a $size-byte part with `$headers` within a second, over a real socket", async ({ headers, size }) => {
    const { body, contentType } = formWithOddPart(headers, size);
    const started = Date.now();
    const response = await fetch(`${origin}/api/v1/upload`, {
      method: "POST",
      headers: { ...bearer(alice.accessToken), "content-type": contentType },
      body,
      signal: AbortSignal.timeout(5_000),
    });
    const elapsed = Date.now() - started;
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { code: "VALIDATION_ERROR", details: { fields: [{ field: "file", reason: "is required" }] } },
    });
    expect(elapsed).toBeLessThan(1_000);
    expect(await leftovers(t, alice.id)).toEqual({ rows: 0, objects: 0 });
  });
});
