import { createHash, randomBytes } from "node:crypto";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { inject } from "vitest";
import { createStorage, type ObjectStorage, type StorageLogger, type StorageOptions } from "../src/index";

declare module "vitest" {
  export interface ProvidedContext {
    s3Endpoint: string;
  }
}

export const MiB = 1024 * 1024;

export function storageOptions(endpoint: string = inject("s3Endpoint"), bucket = uniqueBucket()): StorageOptions {
  return {
    endpoint,
    region: "us-east-1",
    accessKey: "S3RVER",
    secretKey: "S3RVER",
    bucket,
    publicUrl: `${inject("s3Endpoint")}/${bucket}`,
  };
}

/**
 * Where an object is readable without credentials: the public base URL (the
 * bucket's) and the key, each path segment encoded. The API answers keys, not
 * URLs, so only tests build these.
 */
export function publicUrl(base: string, key: string): string {
  return `${base.replace(/\/+$/, "")}/${key.split("/").map(encodeURIComponent).join("/")}`;
}

/** The public base URL of a test storage's bucket. */
export const bucketUrl = (storage: ObjectStorage): string => `${inject("s3Endpoint")}/${storage.bucket}`;

export function uniqueBucket(): string {
  return `storage-test-${randomBytes(5).toString("hex")}`;
}

export interface RecordingLogger extends StorageLogger {
  warnings: { obj: object; msg: string }[];
}

export function recordingLogger(): RecordingLogger {
  const warnings: RecordingLogger["warnings"] = [];
  return { warnings, warn: (obj, msg) => warnings.push({ obj, msg }) };
}

/** A storage on its own fresh bucket of the suite's s3rver. */
export async function createTestStorage(endpoint?: string): Promise<ObjectStorage> {
  const storage = createStorage(storageOptions(endpoint));
  await storage.ensureBucket();
  return storage;
}

export const sha256 = (data: Buffer): string => createHash("sha256").update(data).digest("hex");

/**
 * Random bytes produced lazily in chunks, hashed as they are read, with a count of
 * how far the consumer has pulled. Optionally fails (or is destroyed) after `failAfterBytes`.
 */
export class RandomSource {
  bytesRead = 0;
  readonly stream: Readable;
  readonly #hash = createHash("sha256");

  constructor(
    totalBytes: number,
    options: {
      chunkBytes?: number;
      failAfterBytes?: number;
      failure?: Error;
      onRead?: (bytesRead: number) => void;
    } = {},
  ) {
    const chunkBytes = options.chunkBytes ?? 64 * 1024;
    const self = this;
    async function* generate(): AsyncGenerator<Buffer> {
      while (self.bytesRead < totalBytes) {
        if (options.failAfterBytes !== undefined && self.bytesRead >= options.failAfterBytes) {
          throw options.failure ?? new Error("source failed");
        }
        const chunk = randomBytes(Math.min(chunkBytes, totalBytes - self.bytesRead));
        self.#hash.update(chunk);
        self.bytesRead += chunk.length;
        options.onRead?.(self.bytesRead);
        yield chunk;
      }
    }
    this.stream = Readable.from(generate(), { objectMode: false });
  }

  sha256(): string {
    return this.#hash.copy().digest("hex");
  }
}

export interface SlowProxy {
  url: string;
  /** Part uploads forwarded whose response has not been sent back yet. */
  readonly activePartRequests: number;
  readonly maxActivePartRequests: number;
  readonly partRequests: number;
  /** Part number of each part upload received, in order of arrival. */
  readonly partNumbers: readonly number[];
  /** Bytes of the part uploads whose answer has been sent back (what the client has had acknowledged). */
  readonly acknowledgedPartBytes: number;
  close(): Promise<void>;
}

/**
 * An HTTP proxy in front of s3rver that holds back the answer to each part upload
 * for `partDelayMs`, and can make one part number fail, to play a slow or broken server.
 */
export async function startSlowProxy(options: { partDelayMs: number; failPartNumber?: number }): Promise<SlowProxy> {
  const target = new URL(inject("s3Endpoint"));
  let active = 0;
  let maxActive = 0;
  let total = 0;
  const partNumbers: number[] = [];
  let acknowledgedBytes = 0;
  const server: Server = createServer((incoming, outgoing) => {
    const isPart = incoming.method === "PUT" && /[?&]partNumber=/.test(incoming.url ?? "");
    const partNumber = Number(/[?&]partNumber=(\d+)/.exec(incoming.url ?? "")?.[1]);
    if (isPart) {
      active += 1;
      total += 1;
      partNumbers.push(partNumber);
      maxActive = Math.max(maxActive, active);
    }
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (response) => {
        const reply = () => {
          if (isPart) active -= 1;
          if (isPart) acknowledgedBytes += Number(incoming.headers["content-length"] ?? 0);
          if (isPart && partNumber === options.failPartNumber) {
            response.resume();
            outgoing.writeHead(500, { "content-type": "application/xml" });
            outgoing.end("<Error><Code>InternalError</Code><Message>injected failure</Message></Error>");
            return;
          }
          outgoing.writeHead(response.statusCode ?? 502, response.headers);
          response.pipe(outgoing);
        };
        if (isPart) setTimeout(reply, options.partDelayMs);
        else reply();
      },
    );
    upstream.on("error", (error) => outgoing.destroy(error));
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get activePartRequests() {
      return active;
    },
    get maxActivePartRequests() {
      return maxActive;
    },
    get partRequests() {
      return total;
    },
    partNumbers,
    get acknowledgedPartBytes() {
      return acknowledgedBytes;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
