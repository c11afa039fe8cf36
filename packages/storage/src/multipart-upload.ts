import type { Readable } from "node:stream";
import type { Client } from "minio";
import { errorCode, STORAGE_SERVER_ERROR, StorageError, toStorageError } from "./errors";
import type { StorageLogger } from "./logger";
import { PartBuffer } from "./part-buffer";

const MiB = 1024 * 1024;
export const MIN_PART_SIZE_BYTES = 5 * MiB;
export const DEFAULT_PART_SIZE_BYTES = 8 * MiB;
export const DEFAULT_MAX_PARTS_IN_FLIGHT = 3;
const MAX_PARTS = 10_000;
const MAX_PART_SIZE_BYTES = 5 * 1024 * MiB;
/** Failures worth one more try of a part: uploading the same part number again replaces it. */
const TRANSIENT_CODES = new Set([STORAGE_SERVER_ERROR, "SlowDown", "ECONNRESET", "EPIPE", "ETIMEDOUT"]);
const PART_RETRY_DELAY_MS = 250;
/** Servers that cannot abort multipart uploads (s3rver answers MethodNotAllowed). */
const ABORT_UNSUPPORTED = new Set(["NotImplemented", "MethodNotAllowed"]);

export interface PutStreamOptions {
  contentType: string;
  /** Size of each uploaded part; at least 5 MiB (S3's minimum), default 8 MiB. */
  partSizeBytes?: number;
  /** Parts uploading at once; default 3. At most `partSize * (maxPartsInFlight + 1)` bytes are buffered. */
  maxPartsInFlight?: number;
}

export interface PutStreamResult {
  size: number;
  etag: string;
}

interface Target {
  client: Client;
  bucket: string;
  key: string;
  logger: StorageLogger;
}

/**
 * Streams `source` of unknown length into `key`: a single PUT when it ends before one
 * part is full, otherwise a multipart upload with a bounded window of parts in flight.
 * Reading pauses while the window is full. If the source fails, the call waits for the
 * parts in flight, abandons the upload (nothing is completed, so no object appears) and
 * rejects with the source's own error.
 */
export async function uploadStream(
  target: Target,
  source: Readable,
  options: PutStreamOptions,
): Promise<PutStreamResult> {
  const partSize = validatePartSize(options.partSizeBytes ?? DEFAULT_PART_SIZE_BYTES);
  const maxInFlight = validatePartsInFlight(options.maxPartsInFlight ?? DEFAULT_MAX_PARTS_IN_FLIGHT);
  const { client, bucket, key } = target;

  const pending = new PartBuffer();
  const inFlight = new Set<Promise<void>>();
  const etags: { part: number; etag: string }[] = [];
  let uploadId: string | undefined;
  let failure: StorageError | undefined;
  let size = 0;
  let partCount = 0;

  const startPart = (id: string, body: Buffer): void => {
    const partNumber = ++partCount;
    if (partNumber > MAX_PARTS) {
      throw new StorageError("EntityTooLarge", `Upload of ${key} needs more than ${MAX_PARTS} parts`);
    }
    // Never rejects: a failure is recorded and surfaces on the next step of the loop.
    const task: Promise<void> = uploadPartWithRetry(
      client,
      { bucketName: bucket, objectName: key, uploadID: id, partNumber },
      body,
    )
      .then(
        ({ etag }) => {
          etags.push({ part: partNumber, etag });
        },
        (error: unknown) => {
          failure ??= toStorageError(error, `Uploading part ${partNumber} of ${key}`);
        },
      )
      .finally(() => inFlight.delete(task));
    inFlight.add(task);
  };

  const throwIfFailed = (): void => {
    if (failure) throw failure;
    // The source may have failed while we waited for the window; don't upload more of it.
    if (source.errored) throw source.errored;
  };

  const sendPart = async (body: Buffer): Promise<void> => {
    uploadId ??= await initiate(target, options.contentType);
    while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    throwIfFailed();
    startPart(uploadId, body);
  };

  try {
    for await (const chunk of source) {
      throwIfFailed();
      const buffer = toBuffer(chunk);
      size += buffer.length;
      pending.push(buffer);
      while (pending.bytes >= partSize) await sendPart(pending.take(partSize));
    }
    if (uploadId === undefined) {
      const { etag } = await putSmall(target, pending.take(pending.bytes), options.contentType);
      return { size, etag };
    }
    if (pending.bytes > 0) await sendPart(pending.take(pending.bytes));
    await Promise.all(inFlight);
    throwIfFailed();
    etags.sort((a, b) => a.part - b.part);
    const { etag } = await client
      .completeMultipartUpload(bucket, key, uploadId, etags)
      .catch((error: unknown) => Promise.reject(toStorageError(error, `Completing upload of ${key}`)));
    return { size, etag };
  } catch (error) {
    // No part request may outlive the call: wait for those in flight before giving up.
    await Promise.all(inFlight);
    if (uploadId !== undefined) await abortQuietly(target, uploadId);
    throw error;
  }
}

async function uploadPartWithRetry(
  client: Client,
  part: { bucketName: string; objectName: string; uploadID: string; partNumber: number },
  body: Buffer,
): Promise<{ etag: string }> {
  try {
    // minio adds content-length to the headers object it gets, so each attempt needs its own.
    return await client.uploadPart({ ...part, headers: {} }, body);
  } catch (error) {
    if (!TRANSIENT_CODES.has(errorCode(error) ?? "")) throw error;
    await new Promise((resolve) => setTimeout(resolve, PART_RETRY_DELAY_MS));
    return await client.uploadPart({ ...part, headers: {} }, body);
  }
}

async function initiate({ client, bucket, key }: Target, contentType: string): Promise<string> {
  try {
    return await client.initiateNewMultipartUpload(bucket, key, { "Content-Type": contentType });
  } catch (error) {
    throw toStorageError(error, `Starting upload of ${key}`);
  }
}

async function putSmall({ client, bucket, key }: Target, body: Buffer, contentType: string) {
  try {
    return await client.putObject(bucket, key, body, body.length, { "Content-Type": contentType });
  } catch (error) {
    throw toStorageError(error, `Uploading ${key}`);
  }
}

/** Best effort: the upload is never completed anyway, aborting only frees the parts early. */
async function abortQuietly({ client, bucket, key, logger }: Target, uploadId: string): Promise<void> {
  try {
    await client.abortMultipartUpload(bucket, key, uploadId);
  } catch (error) {
    const code = errorCode(error);
    if (code !== undefined && ABORT_UNSUPPORTED.has(code)) return;
    logger.warn({ err: error, key, uploadId }, "Could not abort multipart upload");
  }
}

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (typeof chunk === "string") return Buffer.from(chunk);
  throw new StorageError("InvalidArgument", "putStream expects a byte stream");
}

function validatePartSize(bytes: number): number {
  if (!Number.isInteger(bytes) || bytes < MIN_PART_SIZE_BYTES || bytes > MAX_PART_SIZE_BYTES) {
    throw new StorageError("InvalidArgument", `partSizeBytes must be an integer in [5 MiB, 5 GiB], got ${bytes}`);
  }
  return bytes;
}

function validatePartsInFlight(count: number): number {
  if (!Number.isInteger(count) || count < 1 || count > 16) {
    throw new StorageError("InvalidArgument", `maxPartsInFlight must be an integer in [1, 16], got ${count}`);
  }
  return count;
}
