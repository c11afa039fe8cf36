import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ByteCounter, createStorage, type ObjectStorage, StorageError } from "../src/index";
import {
  bucketUrl,
  createTestStorage,
  MiB,
  publicUrl,
  RandomSource,
  type SlowProxy,
  sha256,
  startSlowProxy,
  storageOptions,
} from "./support";

const PART = 5 * MiB;

let storage: ObjectStorage;
beforeAll(async () => {
  storage = await createTestStorage();
});

async function fetchAnonymously(url: string): Promise<Buffer> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

describe("putStream round trips", () => {
  // Through a proxy that delays nothing, to count the part uploads the server acknowledged.
  let proxy: SlowProxy;
  let proxied: ObjectStorage;
  beforeAll(async () => {
    proxy = await startSlowProxy({ partDelayMs: 0 });
    proxied = createStorage({ ...storageOptions(proxy.url), bucket: storage.bucket });
  });
  afterAll(() => proxy.close());

  it.each([
    { name: "an empty stream", bytes: 0, parts: 0 },
    { name: "less than one part", bytes: 1 * MiB + 17, parts: 0 },
    { name: "exactly one part", bytes: PART, parts: 1 },
    { name: "about three parts", bytes: 12 * MiB + 3, parts: 3 },
  ])("stores $name byte for byte", async ({ bytes, parts }) => {
    const key = `round-trip/${bytes}.bin`;
    const source = new RandomSource(bytes);
    const before = proxy.partNumbers.length;

    const result = await proxied.putStream(key, source.stream, { contentType: "video/mp4", partSizeBytes: PART });
    const acknowledged = proxy.partNumbers.slice(before);

    expect(result.size).toBe(bytes);
    expect(result.etag).toMatch(/\S/);
    expect(acknowledged.sort((a, b) => a - b)).toEqual(Array.from({ length: parts }, (_, i) => i + 1));
    expect(await storage.stat(key)).toMatchObject({ size: bytes, contentType: "video/mp4" });
    expect(sha256(await storage.getBuffer(key))).toBe(source.sha256());
    expect(sha256(await fetchAnonymously(publicUrl(bucketUrl(storage), key)))).toBe(source.sha256());
  });

  it("accepts chunks larger than a part", async () => {
    const data = Buffer.alloc(11 * MiB, 7);
    const result = await storage.putStream(
      "big-chunks.bin",
      Readable.from([data.subarray(0, 6 * MiB), data.subarray(6 * MiB)]),
      {
        contentType: "application/octet-stream",
        partSizeBytes: PART,
      },
    );
    expect(result.size).toBe(data.length);
    expect(sha256(await storage.getBuffer("big-chunks.bin"))).toBe(sha256(data));
  });

  it("rejects part sizes below S3's 5 MiB minimum before reading anything", async () => {
    const source = new RandomSource(MiB);
    const error = await storage
      .putStream("too-small-parts.bin", source.stream, { contentType: "text/plain", partSizeBytes: MiB })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect(error).toMatchObject({ code: "InvalidArgument" });
    expect(source.bytesRead).toBe(0);
  });
});

describe("putStream when things fail", () => {
  let proxy: SlowProxy;
  let slowStorage: ObjectStorage;
  beforeAll(async () => {
    proxy = await startSlowProxy({ partDelayMs: 400, failPartNumber: 2 });
    slowStorage = createStorage({ ...storageOptions(proxy.url), bucket: storage.bucket });
  });
  afterAll(() => proxy.close());

  it("rejects with the source's error after 7 MiB, leaves no object and no part upload running", async () => {
    const failure = new Error("client went away");
    const source = new RandomSource(12 * MiB, { failAfterBytes: 7 * MiB, failure });
    const before = proxy.partRequests;

    const error = await slowStorage
      .putStream("failed/source-error.bin", source.stream, { contentType: "video/mp4", partSizeBytes: PART })
      .catch((e: unknown) => e);

    expect(error).toBe(failure);
    // Part 1 was slow to be acknowledged; the call must have waited for it rather than left it behind.
    expect(proxy.partRequests - before).toBe(1);
    expect(proxy.activePartRequests).toBe(0);
    expect(await storage.stat("failed/source-error.bin")).toBeNull();
  });

  it("rejects with a size limit enforced by a ByteCounter in front of it and leaves no object", async () => {
    const limitError = new Error("file too large");
    const counter = new ByteCounter({ maxBytes: 7 * MiB, createLimitError: () => limitError });
    new RandomSource(20 * MiB).stream.pipe(counter);

    const error = await storage
      .putStream("failed/too-large.bin", counter, { contentType: "video/mp4", partSizeBytes: PART })
      .catch((e: unknown) => e);

    expect(error).toBe(limitError);
    expect(counter.bytes).toBeGreaterThan(7 * MiB);
    expect(await storage.stat("failed/too-large.bin")).toBeNull();
  });

  it("rejects when the source is destroyed without an error (a dropped connection)", async () => {
    const source = new RandomSource(12 * MiB, {
      onRead: (bytes) => {
        if (bytes >= 6 * MiB) queueMicrotask(() => source.stream.destroy());
      },
    });
    await expect(
      storage.putStream("failed/destroyed.bin", source.stream, { contentType: "video/mp4", partSizeBytes: PART }),
    ).rejects.toMatchObject({ code: "ERR_STREAM_PREMATURE_CLOSE" });
    expect(await storage.stat("failed/destroyed.bin")).toBeNull();
  });

  it("stops reading and rejects with a StorageError when the server fails a part (after one retry)", async () => {
    const before = proxy.partRequests;
    const source = new RandomSource(40 * MiB);
    const error = await slowStorage
      .putStream("failed/server-error.bin", source.stream, {
        contentType: "video/mp4",
        partSizeBytes: PART,
        maxPartsInFlight: 2,
      })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(StorageError);
    expect(error).toMatchObject({ code: "ServerError", message: expect.stringMatching(/part 2 .*500/) });
    expect(source.bytesRead).toBeLessThan(30 * MiB);
    const parts = proxy.partNumbers.slice(before);
    expect(parts.filter((n) => n === 2)).toHaveLength(2); // tried twice
    expect(Math.max(...parts)).toBeLessThanOrEqual(4); // and stopped soon after
    expect(proxy.activePartRequests).toBe(0);
    expect(await storage.stat("failed/server-error.bin")).toBeNull();
  });
});

describe("putStream buffering", () => {
  let proxy: SlowProxy;
  let slowStorage: ObjectStorage;
  beforeAll(async () => {
    proxy = await startSlowProxy({ partDelayMs: 250 });
    slowStorage = createStorage({ ...storageOptions(proxy.url), bucket: storage.bucket });
  });
  afterAll(() => proxy.close());

  it("pauses the source while the window of parts in flight is full", async () => {
    const maxPartsInFlight = 2;
    const acknowledgedBefore = proxy.acknowledgedPartBytes;
    let maxReadAhead = 0;
    const source = new RandomSource(40 * MiB, {
      onRead: (bytesRead) => {
        maxReadAhead = Math.max(maxReadAhead, bytesRead - (proxy.acknowledgedPartBytes - acknowledgedBefore));
      },
    });

    const result = await slowStorage.putStream("buffering/slow-server.bin", source.stream, {
      contentType: "video/mp4",
      partSizeBytes: PART,
      maxPartsInFlight,
    });

    expect(result.size).toBe(40 * MiB);
    expect(sha256(await storage.getBuffer("buffering/slow-server.bin"))).toBe(source.sha256());
    // The window: parts in flight plus the one being filled; 1 MiB slack for the source's own read-ahead.
    expect(maxReadAhead).toBeLessThanOrEqual(PART * (maxPartsInFlight + 1) + MiB);
    // ...and it was used: parts did upload concurrently, never more than allowed.
    expect(maxReadAhead).toBeGreaterThanOrEqual(PART * maxPartsInFlight);
    expect(proxy.maxActivePartRequests).toBe(maxPartsInFlight);
  });
});
