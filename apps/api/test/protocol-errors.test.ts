import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./support/app";

let t: TestApp;
let port: number;

beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ host: "127.0.0.1", port: 0 });
  port = (t.app.server.address() as AddressInfo).port;
});
afterAll(() => t.close());

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Sends bytes as they are over a fresh socket and reads the whole answer (the server closes these connections). */
function raw(request: string | Buffer): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const [head = "", ...rest] = text.split("\r\n\r\n");
      const [statusLine = "", ...lines] = head.split("\r\n");
      const headers = Object.fromEntries(
        lines.map((line) => {
          const colon = line.indexOf(":");
          return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
        }),
      );
      resolve({ status: Number(statusLine.split(" ")[1]), headers, body: rest.join("\r\n\r\n") });
    });
    socket.setTimeout(5_000, () => socket.destroy(new Error("no answer within 5 s")));
    socket.write(request);
  });
}

const get = (path: string, extraHeaders = "") =>
  raw(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n${extraHeaders}\r\n`);

function expectEnvelope(answer: RawAnswer, status: number, code = "VALIDATION_ERROR") {
  expect(answer.status, answer.body).toBe(status);
  expect(answer.headers["content-type"]).toMatch(/^application\/json/);
  expect(JSON.parse(answer.body)).toEqual({
    error: { code, message: expect.any(String), details: expect.any(Object) },
  });
}

describe("answers in the envelope before any route runs", () => {
  it("a path that does not decode (/materials/%) is 400, with a request id", async () => {
    const answer = await get("/api/v1/materials/%", "X-Request-Id: bad-url-1\r\n");
    expectEnvelope(answer, 400);
    expect(answer.headers["x-request-id"]).toBe("bad-url-1");
  });

  it("a path parameter over the length limit is 414, without echoing the URL", async () => {
    const long = "9".repeat(500);
    const answer = await get(`/api/v1/materials/${long}`);
    expectEnvelope(answer, 414);
    expect(answer.body).not.toContain(long);
    expect(answer.headers["x-request-id"]).toBeTruthy();
  });

  it("headers over Node's limit are 431", async () => {
    const answer = await get("/health", `X-Padding: ${"a".repeat(20_000)}\r\n`);
    expectEnvelope(answer, 431);
  });

  it("bytes Node's parser cannot read are 400", async () => {
    expectEnvelope(await raw("THIS IS NOT HTTP\r\n\r\n"), 400);
    expectEnvelope(await raw("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"), 400);
  });

  it("an Expect header other than 100-continue is 417, with a request id", async () => {
    const answer = await get("/health", "Expect: nonsense\r\nX-Request-Id: expect-1\r\n");
    expectEnvelope(answer, 417);
    expect(answer.headers["x-request-id"]).toBe("expect-1");
  });

  it("an OPTIONS request that is not a CORS preflight is 400", async () => {
    const response = await t.app.inject({ method: "OPTIONS", url: "/api/v1/materials" });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe("VALIDATION_ERROR");
    expect(response.headers["x-request-id"]).toBeTruthy();
  });
});
