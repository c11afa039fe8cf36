import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import type { Client } from "minio";
import { createMinioClient, type StorageOptions } from "./client";
import { browserReadCors } from "./cors";
import { errorCode, isNotFoundCode, StorageError, toStorageError } from "./errors";
import { type StorageLogger, silentLogger } from "./logger";
import { type PutStreamOptions, type PutStreamResult, uploadStream } from "./multipart-upload";
import { publicReadPolicy } from "./policy";
import { completeMultipart, discardMultipart, putPart, startMultipart, type UploadedPart } from "./resumable-multipart";

export interface ObjectStat {
  size: number;
  lastModified: Date;
  contentType?: string;
}

export interface ListedObject {
  key: string;
  size: number;
  lastModified: Date;
}

export interface RemoveManyResult {
  removed: number;
  errors: { key: string; message: string }[];
}

export interface ObjectStorage {
  readonly bucket: string;
  /**
   * Creates the bucket if missing, makes it anonymously readable (where the server supports policies) and,
   * with `corsOrigins`, readable by web apps on those origins (where the server supports bucket CORS).
   */
  ensureBucket(): Promise<void>;
  putStream(key: string, source: Readable, options: PutStreamOptions): Promise<PutStreamResult>;
  putBuffer(key: string, data: Buffer, contentType: string): Promise<void>;
  /**
   * Multipart calls for uploads whose parts arrive over time (resumable uploads); the caller keeps the upload id
   * and the acknowledged parts. Parts but the last must be at least 5 MiB.
   */
  startMultipart(key: string, contentType: string): Promise<string>;
  putPart(key: string, uploadId: string, partNumber: number, body: Buffer): Promise<UploadedPart>;
  completeMultipart(key: string, uploadId: string, parts: UploadedPart[]): Promise<void>;
  /** Frees the parts of an upload that will never complete, also on servers without AbortMultipartUpload. */
  discardMultipart(key: string, uploadId: string, parts: UploadedPart[]): Promise<void>;
  getStream(key: string): Promise<Readable>;
  getBuffer(key: string): Promise<Buffer>;
  /** `null` when the object does not exist. */
  stat(key: string): Promise<ObjectStat | null>;
  exists(key: string): Promise<boolean>;
  /** Removing a missing key is not an error. */
  remove(key: string): Promise<void>;
  /** `removed` counts keys that are gone afterwards, including ones that never existed. */
  removeMany(keys: string[]): Promise<RemoveManyResult>;
  list(prefix: string): AsyncIterable<ListedObject>;
  presignedGetUrl(key: string, expirySeconds: number): Promise<string>;
  /** Rejects when the server is unreachable or the bucket is missing. */
  ping(): Promise<void>;
}

const PING_TIMEOUT_MS = 5_000;
/** S3's DeleteObjects limit; minio batches too, but we need per-batch errors. */
const DELETE_BATCH = 1000;

export function createStorage(options: StorageOptions, logger: StorageLogger = silentLogger): ObjectStorage {
  return new MinioObjectStorage(createMinioClient(options), options, logger);
}

export class MinioObjectStorage implements ObjectStorage {
  readonly bucket: string;
  readonly #client: Client;
  readonly #region: string;
  readonly #logger: StorageLogger;
  readonly #corsOrigins: StorageOptions["corsOrigins"];

  constructor(client: Client, options: StorageOptions, logger: StorageLogger = silentLogger) {
    this.#client = client;
    this.#corsOrigins = options.corsOrigins;
    this.bucket = options.bucket;
    this.#region = options.region;
    this.#logger = logger;
  }

  async ensureBucket(): Promise<void> {
    await this.#createBucketIfMissing();
    try {
      await this.#client.setBucketPolicy(this.bucket, JSON.stringify(publicReadPolicy(this.bucket)));
    } catch (error) {
      if (errorCode(error) !== "NotImplemented") throw toStorageError(error, `Setting policy of bucket ${this.bucket}`);
      this.#logger.warn(
        { bucket: this.bucket },
        "Storage server does not implement bucket policies; objects are public only if the server allows anonymous reads",
      );
    }
    if (this.#corsOrigins !== undefined) await this.#allowBrowserReads(this.#corsOrigins);
  }

  /** PutBucketCors, which minio's client lacks; MinIO itself answers NotImplemented (it has a global setting). */
  async #allowBrowserReads(origins: NonNullable<StorageOptions["corsOrigins"]>): Promise<void> {
    const body = browserReadCors(origins);
    try {
      await this.#client.makeRequestAsyncOmit(
        {
          method: "PUT",
          bucketName: this.bucket,
          query: "cors",
          headers: { "Content-MD5": createHash("md5").update(body).digest("base64") },
        },
        body,
        [200],
      );
    } catch (error) {
      if (errorCode(error) !== "NotImplemented") throw toStorageError(error, `Setting CORS of bucket ${this.bucket}`);
      this.#logger.warn(
        { bucket: this.bucket },
        "Storage server does not implement bucket CORS; configure its own (MinIO: MINIO_API_CORS_ALLOW_ORIGIN)",
      );
    }
  }

  async #createBucketIfMissing(): Promise<void> {
    try {
      if (await this.#client.bucketExists(this.bucket)) return;
      await this.#client.makeBucket(this.bucket, this.#region);
    } catch (error) {
      // Another process created it between our check and our create.
      const code = errorCode(error);
      if (code === "BucketAlreadyOwnedByYou") return;
      // s3rver says BucketAlreadyExists for its single owner; on S3 it means someone else's bucket.
      if (code === "BucketAlreadyExists" && (await this.#client.bucketExists(this.bucket).catch(() => false))) return;
      throw toStorageError(error, `Creating bucket ${this.bucket}`);
    }
  }

  putStream(key: string, source: Readable, options: PutStreamOptions): Promise<PutStreamResult> {
    return uploadStream(this.#target(key), source, options);
  }

  async putBuffer(key: string, data: Buffer, contentType: string): Promise<void> {
    // minio's putObject turns buffers over 64 MiB into its own multipart upload, which starts
    // with ListMultipartUploads (unsupported by s3rver); ours does a single PUT below one part.
    await this.putStream(key, Readable.from([data]), { contentType });
  }

  startMultipart(key: string, contentType: string): Promise<string> {
    return startMultipart(this.#target(key), contentType);
  }

  putPart(key: string, uploadId: string, partNumber: number, body: Buffer): Promise<UploadedPart> {
    return putPart(this.#target(key), uploadId, partNumber, body);
  }

  completeMultipart(key: string, uploadId: string, parts: UploadedPart[]): Promise<void> {
    return completeMultipart(this.#target(key), uploadId, parts);
  }

  discardMultipart(key: string, uploadId: string, parts: UploadedPart[]): Promise<void> {
    return discardMultipart(this.#target(key), uploadId, parts);
  }

  #target(key: string) {
    return { client: this.#client, bucket: this.bucket, key, logger: this.#logger };
  }

  getStream(key: string): Promise<Readable> {
    return this.#run(`Reading ${key}`, () => this.#client.getObject(this.bucket, key));
  }

  async getBuffer(key: string): Promise<Buffer> {
    const stream = await this.getStream(key);
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of stream) chunks.push(chunk as Buffer);
    } catch (error) {
      throw toStorageError(error, `Reading ${key}`);
    }
    return Buffer.concat(chunks);
  }

  async stat(key: string): Promise<ObjectStat | null> {
    try {
      const stat = await this.#client.statObject(this.bucket, key);
      const contentType = stat.metaData["content-type"];
      return {
        size: stat.size,
        lastModified: stat.lastModified,
        ...(typeof contentType === "string" ? { contentType } : {}),
      };
    } catch (error) {
      if (isNotFoundCode(error)) return null;
      throw toStorageError(error, `Reading metadata of ${key}`);
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.stat(key)) !== null;
  }

  async remove(key: string): Promise<void> {
    try {
      await this.#client.removeObject(this.bucket, key);
    } catch (error) {
      if (!isNotFoundCode(error)) throw toStorageError(error, `Removing ${key}`);
    }
  }

  async removeMany(keys: string[]): Promise<RemoveManyResult> {
    const unique = [...new Set(keys)];
    const errors: RemoveManyResult["errors"] = [];
    for (let offset = 0; offset < unique.length; offset += DELETE_BATCH) {
      const batch = unique.slice(offset, offset + DELETE_BATCH);
      const results = await this.#run(`Removing ${batch.length} objects`, () =>
        this.#client.removeObjects(this.bucket, batch),
      );
      for (const result of results) {
        const failed = deleteError(result);
        if (failed === undefined || isNotFoundCode({ code: failed.Code })) continue;
        errors.push({ key: failed.Key ?? "", message: failed.Message ?? failed.Code ?? "Unknown error" });
      }
    }
    return { removed: unique.length - errors.length, errors };
  }

  async *list(prefix: string): AsyncIterable<ListedObject> {
    const stream = this.#client.listObjectsV2(this.bucket, prefix, true);
    try {
      for await (const item of stream) {
        const { name, size, lastModified } = item as { name?: string; size: number; lastModified?: Date };
        if (name === undefined || lastModified === undefined) continue; // common prefixes, absent when recursive
        yield { key: name, size, lastModified };
      }
    } catch (error) {
      throw toStorageError(error, `Listing ${prefix}`);
    } finally {
      stream.destroy();
    }
  }

  presignedGetUrl(key: string, expirySeconds: number): Promise<string> {
    return this.#run(`Signing a URL for ${key}`, () =>
      this.#client.presignedGetObject(this.bucket, key, expirySeconds),
    );
  }

  async ping(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new StorageError("Timeout", `Storage did not answer within ${PING_TIMEOUT_MS} ms`)),
        PING_TIMEOUT_MS,
      );
    });
    try {
      const found = await Promise.race([
        this.#run("Checking storage", () => this.#client.bucketExists(this.bucket)),
        timeout,
      ]);
      if (!found) throw new StorageError("NoSuchBucket", `Bucket ${this.bucket} does not exist`);
    } finally {
      clearTimeout(timer);
    }
  }

  async #run<T>(action: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw toStorageError(error, action);
    }
  }
}

interface DeleteErrorEntry {
  Code?: string;
  Message?: string;
  Key?: string;
}

/** minio types each result as `{ Error: {...} }` but its parser returns the `<Error>` entries themselves. */
function deleteError(result: unknown): DeleteErrorEntry | undefined {
  if (typeof result !== "object" || result === null) return undefined;
  if ("Error" in result) return (result.Error ?? undefined) as DeleteErrorEntry | undefined;
  return result as DeleteErrorEntry;
}
