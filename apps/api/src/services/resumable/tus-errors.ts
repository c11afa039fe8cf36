import { AppError, type ErrorCode } from "../../errors/app-error";

/** An error of the tus server itself: a status and a plain-text body. */
export interface TusProtocolError {
  status_code: number;
  body: string;
}

export const isTusProtocolError = (error: unknown): error is TusProtocolError =>
  typeof error === "object" &&
  error !== null &&
  "status_code" in error &&
  typeof error.status_code === "number" &&
  "body" in error &&
  typeof error.body === "string";

const CODES: Record<number, ErrorCode> = {
  404: "NOT_FOUND",
  409: "UPLOAD_OFFSET_CONFLICT",
  410: "UPLOAD_EXPIRED",
  413: "FILE_TOO_LARGE",
};

/**
 * The tus server's own refusals (wrong offset, missing headers, expired...)
 * in the envelope, status kept as the protocol wants it; its 5xx are ours
 * to explain, so they become 500 `UPLOAD_FAILED`.
 */
export function fromTusError({ status_code: status, body }: TusProtocolError): AppError {
  const message = body.trim() || "Upload request refused";
  if (status >= 500) return new AppError(500, "UPLOAD_FAILED", "Upload failed");
  return new AppError(status, CODES[status] ?? "VALIDATION_ERROR", message);
}
