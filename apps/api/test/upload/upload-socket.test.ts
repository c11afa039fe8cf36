import { once } from "node:events";
import { type ClientRequest, request } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app";
import { bearer, type RegisteredUser, registerUser } from "../support/auth";
import { fixture, type MultipartForm, multipartForm, sizedContent } from "../support/multipart";
import { leftovers, rowsOf } from "../support/uploads";

const MiB = 1024 * 1024;

let t: TestApp;
let port: number;

beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ host: "127.0.0.1", port: 0 });
  port = (t.app.server.address() as AddressInfo).port;
});
afterAll(() => t.close());

/** A raw HTTP request over a real socket, body written chunk by chunk with backpressure. */
function openUpload(user: RegisteredUser, form: MultipartForm) {
  const req = request({
    host: "127.0.0.1",
    port,
    method: "POST",
    path: "/api/v1/upload",
    headers: { ...bearer(user.accessToken), ...form.headers },
  });
  req.on("error", () => {}); // the server may close the connection while we still write; that is the point
  const response = new Promise<{ status: number; body: string }>((resolve) => {
    req.on("response", async (res) => {
      let body = "";
      for await (const chunk of res) body += chunk;
      resolve({ status: res.statusCode ?? 0, body });
    });
  });
  return { req, response };
}

/** Waits for room in the socket, or for the exchange to end (answered, or the connection closed). */
function drainedOrClosed(req: ClientRequest, answered: Promise<unknown>): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      req.off("drain", done);
      req.off("close", done);
      resolve();
    };
    req.on("drain", done);
    req.on("close", done);
    void answered.then(done);
  });
}

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("POST /api/v1/upload over a real socket", () => {
  it("leaves no row and no object when the client disconnects halfway", async () => {
    const user = await registerUser(t.app);
    const total = 200 * MiB;
    const form = multipartForm([
      { name: "title", value: "Aborted" },
      { name: "file", filename: "aborted.mp4", content: sizedContent(fixture("sample-720p.mp4"), total) },
    ]);
    const { req } = openUpload(user, form);
    const body = form.stream();
    let written = 0;
    let sawProcessingRow = false;
    for await (const chunk of body) {
      if (!req.write(chunk)) await once(req, "drain");
      written += chunk.length;
      if (written >= 40 * MiB) {
        sawProcessingRow = (await rowsOf(t, user.id)).some((row) => row.status === "processing");
        if (sawProcessingRow) break;
      }
      if (written > total / 2) break;
    }
    req.destroy();
    body.destroy();

    expect(sawProcessingRow).toBe(true);
    const left = await until(
      () => leftovers(t, user.id),
      (value) => value.rows === 0 && value.objects === 0,
    );
    expect(left).toEqual({ rows: 0, objects: 0 });
  });

  it("answers 413 for a too-large pdf as soon as the limit passes, long before the body ends", async () => {
    const user = await registerUser(t.app);
    const total = 200 * MiB;
    const form = multipartForm([
      { name: "title", value: "Huge" },
      { name: "file", filename: "huge.pdf", content: sizedContent(Buffer.from("%PDF-1.7\n"), total) },
    ]);
    const { req, response } = openUpload(user, form);
    let answered = false;
    void response.then(() => {
      answered = true;
    });
    let written = 0;
    for await (const chunk of form.stream()) {
      if (answered || req.destroyed) break;
      if (!req.write(chunk)) await drainedOrClosed(req, response);
      written += chunk.length;
    }
    const { status, body } = await response;
    req.destroy();
    expect(status).toBe(413);
    expect(JSON.parse(body).error.code).toBe("FILE_TOO_LARGE");
    expect(written).toBeLessThan(100 * MiB);
    expect(await leftovers(t, user.id)).toEqual({ rows: 0, objects: 0 });
  });
});
