import type { Client } from "minio";
import { errorCode, toStorageError } from "./errors";
import type { StorageLogger } from "./logger";

/** A part the server acknowledged, as CompleteMultipartUpload wants it back. */
export interface UploadedPart {
  part: number;
  etag: string;
}

/** Servers that cannot abort multipart uploads (s3rver answers MethodNotAllowed). */
const ABORT_UNSUPPORTED = new Set(["NotImplemented", "MethodNotAllowed"]);

interface Target {
  client: Client;
  bucket: string;
  key: string;
  logger: StorageLogger;
}

/**
 * The multipart calls of an upload whose parts arrive over hours and from
 * several processes (resumable uploads): the caller keeps the upload id and
 * the acknowledged parts in its own shared state, so nothing here needs
 * ListParts or ListMultipartUploads, which s3rver lacks.
 */
export async function startMultipart({ client, bucket, key }: Target, contentType: string): Promise<string> {
  try {
    return await client.initiateNewMultipartUpload(bucket, key, { "Content-Type": contentType });
  } catch (error) {
    throw toStorageError(error, `Starting upload of ${key}`);
  }
}

export async function putPart(
  { client, bucket, key }: Target,
  uploadId: string,
  partNumber: number,
  body: Buffer,
): Promise<UploadedPart> {
  try {
    const { etag } = await client.uploadPart(
      { bucketName: bucket, objectName: key, uploadID: uploadId, partNumber, headers: {} },
      body,
    );
    return { part: partNumber, etag };
  } catch (error) {
    throw toStorageError(error, `Uploading part ${partNumber} of ${key}`);
  }
}

export async function completeMultipart({ client, bucket, key }: Target, uploadId: string, parts: UploadedPart[]) {
  try {
    const sorted = [...parts].sort((a, b) => a.part - b.part);
    await client.completeMultipartUpload(bucket, key, uploadId, sorted);
  } catch (error) {
    throw toStorageError(error, `Completing upload of ${key}`);
  }
}

/**
 * Frees the stored parts of an upload that will never complete. S3 and MinIO
 * abort it; a server without AbortMultipartUpload (s3rver) keeps the parts
 * until the upload completes, so there it is completed with the parts it has
 * (an empty one when none arrived yet) and the object removed. s3rver checks
 * neither part sizes nor ETags on completion, so this works whatever arrived.
 */
export async function discardMultipart(target: Target, uploadId: string, parts: UploadedPart[]): Promise<void> {
  const { client, bucket, key } = target;
  try {
    await client.abortMultipartUpload(bucket, key, uploadId);
    return;
  } catch (error) {
    const code = errorCode(error);
    if (code === "NoSuchUpload") return;
    if (code === undefined || !ABORT_UNSUPPORTED.has(code)) throw toStorageError(error, `Aborting upload of ${key}`);
  }
  try {
    const toComplete = parts.length > 0 ? parts : [await putPart(target, uploadId, 1, Buffer.alloc(0))];
    await completeMultipart(target, uploadId, toComplete);
  } catch (error) {
    // Nothing left to free when the upload is already gone (discarded by another process).
    if (errorCode(error) === "NoSuchUpload") return;
    throw error;
  }
  try {
    await client.removeObject(bucket, key);
  } catch (error) {
    throw toStorageError(error, `Removing ${key}`);
  }
}
