/** Codes callers branch on; anything else keeps the server's or the socket's own code. */
export const STORAGE_NOT_FOUND = "NotFound";

const NOT_FOUND_CODES = new Set(["NotFound", "NoSuchKey"]);

/** Every failure of this package, so callers never need to know minio's error classes. */
export class StorageError extends Error {
  override name = "StorageError";
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  get isNotFound(): boolean {
    return this.code === STORAGE_NOT_FOUND;
  }
}

/** minio reports 5xx answers as a plain Error with this message and no code. */
const SERVER_ERROR_MESSAGE = /Retryable HTTP status: 5\d\d/;
export const STORAGE_SERVER_ERROR = "ServerError";

/** The `code` minio puts on S3 errors, Node's on socket errors (ECONNREFUSED, ...), or ServerError for a 5xx. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error === "object" && error !== null && "code" in error && typeof error.code === "string") {
    return error.code;
  }
  if (error instanceof Error && SERVER_ERROR_MESSAGE.test(error.message)) return STORAGE_SERVER_ERROR;
  return undefined;
}

export function isNotFoundCode(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && NOT_FOUND_CODES.has(code);
}

/** Wraps `error` (from minio, the network or the server) with what we were doing. */
export function toStorageError(error: unknown, action: string): StorageError {
  if (error instanceof StorageError) return error;
  const rawCode = errorCode(error);
  const code = isNotFoundCode(error) ? STORAGE_NOT_FOUND : (rawCode ?? "Unknown");
  const detail = error instanceof Error ? error.message : String(error);
  return new StorageError(code, `${action} failed: ${detail || code}`, { cause: error });
}
