/** Why a media operation failed; lets the worker decide between retrying, failing the row or stopping quietly. */
export type MediaErrorCode =
  | "NO_FFMPEG" // no usable ffmpeg binary on this machine
  | "UNREADABLE_INPUT" // the file (or URL) could not be read or decoded
  | "NO_FRAME" // the decoder ran but produced no image
  | "REFUSED_INPUT" // readable, but refused before processing (a zip bomb, a package declaring another type)
  | "TIMEOUT"
  | "ABORTED"
  | "INTERNAL"; // a local failure (temp files, out of memory), not the input's fault

/**
 * The one error type the media layer throws. `reason` is human-readable and safe to store on a row:
 * it never contains the input URL (presigned URLs carry credentials).
 */
export class MediaError extends Error {
  override readonly name = "MediaError";
  readonly code: MediaErrorCode;
  readonly reason: string;

  constructor(code: MediaErrorCode, reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.code = code;
    this.reason = reason;
  }
}

/** Passes MediaErrors through and wraps anything else, so callers only ever see MediaError. */
export function asMediaError(error: unknown, context: string): MediaError {
  if (error instanceof MediaError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new MediaError("INTERNAL", `${context}: ${message}`, { cause: error });
}
