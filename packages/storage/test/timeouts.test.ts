import { createServer, type Server, type Socket } from "node:net";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStorage, type ObjectStorage, STORAGE_TIMEOUT_CODE, type StorageError } from "../src/index";
import { MiB, storageOptions } from "./support";

const TIMEOUT_MS = 300;

/** A store that accepts connections and reads requests, but never answers: a frozen server. */
let frozen: Server;
const sockets = new Set<Socket>();
let storage: ObjectStorage;

beforeAll(async () => {
  frozen = createServer((socket) => {
    sockets.add(socket);
    socket.on("data", () => {});
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => frozen.listen(0, "127.0.0.1", resolve));
  const port = (frozen.address() as { port: number }).port;
  storage = createStorage({ ...storageOptions(`http://127.0.0.1:${port}`), timeoutMs: TIMEOUT_MS });
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => frozen.close(resolve));
});

/** Rejects with the call's error and how long it took. */
async function failure(call: () => Promise<unknown>): Promise<{ error: StorageError; ms: number }> {
  const started = Date.now();
  const error = await call().then(
    () => expect.unreachable("the call should fail"),
    (error: StorageError) => error,
  );
  return { error, ms: Date.now() - started };
}

describe("every storage call against a frozen store", () => {
  it.each([
    ["putBuffer", () => storage.putBuffer("a/b.pdf", Buffer.from("%PDF-"), "application/pdf")],
    [
      "putStream (multipart)",
      () =>
        storage.putStream("a/b.mp4", Readable.from([Buffer.alloc(6 * MiB)]), {
          contentType: "video/mp4",
          partSizeBytes: 5 * MiB,
        }),
    ],
    ["getBuffer", () => storage.getBuffer("a/b.pdf")],
    ["getStream", () => storage.getStream("a/b.pdf")],
    ["stat", () => storage.stat("a/b.pdf")],
    ["remove", () => storage.remove("a/b.pdf")],
    ["removeMany", () => storage.removeMany(["a/b.pdf", "a/c.pdf"])],
    [
      "list",
      async () => {
        for await (const _ of storage.list("a/")) break;
      },
    ],
    ["ensureBucket", () => storage.ensureBucket()],
  ])("%s fails with a Timeout after the idle timeout", async (_name, call) => {
    const { error, ms } = await failure(call);
    expect(error.code, error.message).toBe(STORAGE_TIMEOUT_CODE);
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(ms).toBeLessThan(TIMEOUT_MS * 4);
  });
});
