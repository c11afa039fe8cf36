/**
 * The error catalogue: every error the API answers with is made here, by a
 * named factory that fixes its status, code and message. Services, routes and
 * plugins throw these; `toEnvelope` turns them into the contract's envelope.
 */

/** Error codes of the API (the table in docs/api.md), METHOD_NOT_ALLOWED for 405 included. */
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
  | "DATABASE_ERROR";

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

export interface FieldProblem {
  field: string;
  reason: string;
}

// 400: a parameter or field that parses but breaks a rule.
export const validationError = (fields: FieldProblem[], message = "Request validation failed") =>
  new AppError(400, "VALIDATION_ERROR", message, { fields });
export const invalidMaterialType = () =>
  new AppError(400, "INVALID_TYPE", "material_type must be video or pdf", {
    fields: [{ field: "material_type", reason: "must be one of: video, pdf" }],
  });
export const emailAlreadyExists = () => new AppError(400, "EMAIL_ALREADY_EXISTS", "Email is already registered");
export const alreadyDeleted = () => new AppError(400, "ALREADY_DELETED", "Material is already deleted");
export const invalidStatus = (message: string, details: Record<string, unknown>) =>
  new AppError(400, "INVALID_STATUS", message, details);

// 401 / 403: who is calling, and whether they may.
export const unauthorized = (message = "Authentication required") => new AppError(401, "UNAUTHORIZED", message);
export const wrongCredentials = () => unauthorized("Incorrect email or password");
export const invalidToken = () => new AppError(401, "INVALID_TOKEN", "Token is invalid or expired");
export const userNotFound = () => new AppError(401, "USER_NOT_FOUND", "User no longer exists");
export const inactiveUser = () => new AppError(403, "INACTIVE_USER", "User account is disabled");
export const forbidden = (message = "You are not allowed to do this") => new AppError(403, "FORBIDDEN", message);
export const adminRequired = () => forbidden("Administrator role required");

// 404 / 405.
export const notFound = (message = "Resource not found") => new AppError(404, "NOT_FOUND", message);
export const materialNotFound = () => notFound("Material not found");
export const queuedJobNotFound = (queue: string, jobId: string) => notFound(`Job ${jobId} not found in queue ${queue}`);
export const scheduledJobNotFound = (jobId: string) =>
  new AppError(404, "JOB_NOT_FOUND", `Scheduled job ${jobId} not found`);
export const routeNotFound = (method: string, path: string) => notFound(`Route ${method} ${path} not found`);
export const methodNotAllowed = (method: string, path: string, allowed: string[]) =>
  new AppError(405, "METHOD_NOT_ALLOWED", `Method ${method} is not allowed on ${path}`, { allowed });

// 413 / 415 / 422: the request body.
export const fileTooLarge = (format: { name: string; maxBytes: number }) =>
  new AppError(413, "FILE_TOO_LARGE", `A ${format.name} file may be at most ${format.maxBytes} bytes`, {
    max_bytes: format.maxBytes,
  });
export const bodyTooLarge = (cause?: unknown) =>
  new AppError(413, "FILE_TOO_LARGE", "Request body is too large", {}, { cause });
export const unsupportedFileType = (filename: string) =>
  new AppError(
    415,
    "UNSUPPORTED_FILE_TYPE",
    // issue 15: the converted formats too
    "Only videos (mp4, webm, mov, m4v, mkv, avi), pdf and office documents (pptx, ppt, odp, docx, doc, odt) are accepted",
    { filename },
  );
export const unparsableBody = (reason: string, cause?: unknown) =>
  new AppError(422, "VALIDATION_ERROR", "Request body could not be parsed", { reason }, { cause });
export const unparsableMultipart = (reason: string, cause?: unknown) =>
  new AppError(422, "VALIDATION_ERROR", "Multipart body could not be parsed", { reason }, { cause });
export const oneFileOnly = () => validationError([{ field: "file", reason: "send exactly one file" }]);
export const tooManyFormFields = (max: number) =>
  validationError([{ field: "form", reason: `at most ${max} fields` }], `At most ${max} form fields are accepted`);
export const notMultipart = () => new AppError(422, "VALIDATION_ERROR", "Request body must be multipart/form-data");

/** Another 4xx raised by Fastify or a plugin, as a validation failure with the plugin's message. */
export const clientError = (status: number, message: string) => new AppError(status, "VALIDATION_ERROR", message);

// 429.
export const rateLimitExceeded = (after: string, retryAfterSeconds: number) =>
  new AppError(429, "RATE_LIMIT_EXCEEDED", `Too many requests, retry in ${after}`, {
    retry_after_seconds: retryAfterSeconds,
  });
/** A 429 raised without the rate-limit plugin's context. */
export const tooManyRequests = () => new AppError(429, "RATE_LIMIT_EXCEEDED", "Too many requests, slow down");

// 500 / 503.
export const internalError = (cause?: unknown) =>
  new AppError(500, "INTERNAL_ERROR", "Internal server error", {}, { cause });
export const uploadFailed = (cause: unknown) => new AppError(500, "UPLOAD_FAILED", "Upload failed", {}, { cause });
export const cleanupFailed = (message: string, cause: unknown) =>
  new AppError(500, "CLEANUP_FAILED", message, {}, { cause });
export const databaseUnavailable = (cause?: unknown, message = "Database is unavailable") =>
  new AppError(503, "DATABASE_ERROR", message, {}, { cause });
export const notReady = (checks: Record<string, string>, down: readonly string[], cause: unknown) =>
  down.includes("database")
    ? new AppError(503, "DATABASE_ERROR", "Not ready: the database is unavailable", { checks }, { cause })
    : new AppError(503, "INTERNAL_ERROR", `Not ready: ${down.join(" and ")} unavailable`, { checks }, { cause });

// Search and captions (issue 13).
export const invalidSearchQuery = (field: string, maxLength: number) =>
  validationError([{ field, reason: `must be 1-${maxLength} characters after trimming` }]);
export const invalidLanguageTag = () =>
  validationError([{ field: "lang", reason: "must be a BCP-47 language tag such as en, zh-Hans or pt-BR" }]);
export const captionsNotUtf8 = () =>
  validationError([{ field: "body", reason: "captions must be UTF-8 text" }], "Captions are not UTF-8 text");
export const unparsableCaptions = (format: string, line: number, reason: string) =>
  new AppError(400, "VALIDATION_ERROR", `The ${format} file does not parse: line ${line}: ${reason}`, {
    fields: [{ field: "body", reason: `line ${line}: ${reason}` }],
    line,
  });
export const captionsForVideosOnly = () => new AppError(400, "INVALID_TYPE", "Captions belong to videos, not PDFs");
export const unsupportedCaptionType = (mediaType: string) =>
  new AppError(415, "UNSUPPORTED_FILE_TYPE", "Captions must be sent as text/vtt or application/x-subrip", {
    content_type: mediaType,
  });
export const captionTrackNotFound = (lang: string) => notFound(`No ${lang} captions for this material`);
export const captionsOwnerOnly = () => forbidden("Only the uploader can change captions");
