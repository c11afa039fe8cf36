/** Error codes of the contract (`api-v1.zh.md` table), plus METHOD_NOT_ALLOWED for 405. */
export type ErrorCode =
  | "EMAIL_ALREADY_EXISTS"
  | "INVALID_TYPE"
  | "VALIDATION_ERROR"
  | "ALREADY_DELETED"
  | "INVALID_STATUS"
  | "UNAUTHORIZED"
  | "INVALID_TOKEN"
  | "USER_NOT_FOUND"
  | "FORBIDDEN"
  | "INACTIVE_USER"
  | "NOT_FOUND"
  | "METHOD_NOT_ALLOWED"
  | "JOB_NOT_FOUND"
  | "FILE_TOO_LARGE"
  | "UNSUPPORTED_FILE_TYPE"
  | "RATE_LIMIT_EXCEEDED"
  | "INTERNAL_ERROR"
  | "UPLOAD_FAILED"
  | "CLEANUP_FAILED"
  | "DATABASE_ERROR"
  // Resumable (tus) uploads
  | "TOO_MANY_UPLOADS"
  | "UPLOAD_OFFSET_CONFLICT"
  | "UPLOAD_EXPIRED";

/** An error meant for the client: status, code and message go into the envelope as they are. */
export class AppError extends Error {
  override name = "AppError";

  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const notFound = (message = "Resource not found") => new AppError(404, "NOT_FOUND", message);
export const forbidden = (message = "You are not allowed to do this") => new AppError(403, "FORBIDDEN", message);
export const unauthorized = (message = "Authentication required") => new AppError(401, "UNAUTHORIZED", message);
export const invalidToken = (message = "Token is invalid or expired") => new AppError(401, "INVALID_TOKEN", message);

export interface FieldProblem {
  field: string;
  reason: string;
}

export const validationError = (fields: FieldProblem[], message = "Request validation failed") =>
  new AppError(400, "VALIDATION_ERROR", message, { fields });
