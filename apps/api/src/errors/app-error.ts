/**
 * The error catalogue: every error the API answers with is made here, by a
 * named factory that fixes its status, code and message. Services, routes and
 * plugins throw these; `toEnvelope` turns them into the contract's envelope.
 */

/**
 * Error codes of the API (the table in docs/api.md), plus METHOD_NOT_ALLOWED
 * for 405, JOB_ALREADY_RUNNING for 409, and SERVICE_UNAVAILABLE for 503 when a dependency other than
 * PostgreSQL (Redis) is down or hangs, each with the statuses it is answered with. The OpenAPI document's
 * per-response code enums are checked against this table.
 */
export const ERROR_STATUSES = {
  EMAIL_ALREADY_EXISTS: [400],
  INVALID_TYPE: [400],
  // 400 for a field that breaks a rule, 422 for a body that does not parse, other 4xx for protocol errors.
  // 412 and other 4xx also for the tus protocol's own refusals.
  VALIDATION_ERROR: [400, 408, 412, 414, 417, 422, 431],
  ALREADY_DELETED: [400],
  INVALID_STATUS: [400],
  UNAUTHORIZED: [401],
  INVALID_TOKEN: [401],
  USER_NOT_FOUND: [401],
  FORBIDDEN: [403],
  INACTIVE_USER: [403],
  NOT_FOUND: [404],
  METHOD_NOT_ALLOWED: [405],
  JOB_NOT_FOUND: [404],
  JOB_ALREADY_RUNNING: [409],
  FILE_TOO_LARGE: [413],
  UNSUPPORTED_FILE_TYPE: [415],
  RATE_LIMIT_EXCEEDED: [429],
  // 503 when a readiness check other than the database's fails.
  INTERNAL_ERROR: [500, 503],
  UPLOAD_FAILED: [500],
  CLEANUP_FAILED: [500],
  DATABASE_ERROR: [503],
  SERVICE_UNAVAILABLE: [503],
  // Resumable (tus) uploads.
  TOO_MANY_UPLOADS: [429],
  UPLOAD_OFFSET_CONFLICT: [409],
  UPLOAD_EXPIRED: [410],
} as const satisfies Record<string, readonly number[]>;

export type ErrorCode = keyof typeof ERROR_STATUSES;

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
export const commonPassword = (refused: number) =>
  validationError([
    { field: "password", reason: `is one of the ${refused} most common passwords; choose one that is harder to guess` },
  ]);
/** A cron the parser refuses (or that runs more often than once a minute), with the parser's reason. */
export const invalidCron = (reason: string) =>
  validationError([{ field: "cron", reason }], `Invalid cron schedule: ${reason}`);
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
// 409: the request conflicts with work under way.
export const jobAlreadyRunning = (jobId: string, runId: string) =>
  new AppError(409, "JOB_ALREADY_RUNNING", `Scheduled job ${jobId} is already running`, { run_id: runId });

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

// Resumable (tus) uploads.
export const resumableUploadNotFound = () => notFound("Upload not found");
export const tooManyUnfinishedUploads = (max: number) =>
  new AppError(429, "TOO_MANY_UPLOADS", `At most ${max} resumable uploads may be unfinished at once`, {
    max_unfinished: max,
  });
export const deferredLengthRefused = () =>
  validationError([{ field: "Upload-Defer-Length", reason: "is not supported: send Upload-Length" }]);
/** The tus server's own refusals (wrong offset, missing headers, expired...), status kept as the protocol wants it. */
export const tusProtocolError = (status: number, message: string): AppError => {
  if (status >= 500) return new AppError(500, "UPLOAD_FAILED", "Upload failed");
  const code: ErrorCode =
    status === 404
      ? "NOT_FOUND"
      : status === 409
        ? "UPLOAD_OFFSET_CONFLICT"
        : status === 410
          ? "UPLOAD_EXPIRED"
          : status === 413
            ? "FILE_TOO_LARGE"
            : "VALIDATION_ERROR";
  return new AppError(status, code, message);
};

// 429.
export const rateLimitExceeded = (after: string, retryAfterSeconds: number) =>
  new AppError(429, "RATE_LIMIT_EXCEEDED", `Too many requests, retry in ${after}`, {
    retry_after_seconds: retryAfterSeconds,
  });
/** A 429 raised without the rate-limit plugin's context. */
export const tooManyRequests = () => new AppError(429, "RATE_LIMIT_EXCEEDED", "Too many requests, slow down");

// Refused before any route runs (router, HTTP parser, Expect, CORS preflight); none echoes the URL.
export const invalidUrl = () => new AppError(400, "VALIDATION_ERROR", "The request path is not a valid URL");
export const pathParameterTooLong = () =>
  new AppError(414, "VALIDATION_ERROR", "A path parameter of the request is too long");
export const urlTooLong = () => new AppError(414, "VALIDATION_ERROR", "Request URL is too long");
export const headersTooLarge = () => new AppError(431, "VALIDATION_ERROR", "Request headers are too large");
export const requestTooSlow = () => new AppError(408, "VALIDATION_ERROR", "The request took too long to arrive");
export const malformedRequest = () => new AppError(400, "VALIDATION_ERROR", "Malformed HTTP request");
export const unsupportedExpectation = () =>
  new AppError(417, "VALIDATION_ERROR", "Only `Expect: 100-continue` is supported");
export const notAPreflight = (missingHeaders: string[]) =>
  validationError(
    missingHeaders.map((header) => ({ field: header, reason: "header is required in a CORS preflight" })),
    "OPTIONS is only answered as a CORS preflight",
  );

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
/** A dependency other than PostgreSQL is down or did not answer in time; `details.dependency` names it. */
export const dependencyUnavailable = (dependency: "redis", cause?: unknown) =>
  new AppError(
    503,
    "SERVICE_UNAVAILABLE",
    `Service unavailable: ${dependency} does not answer`,
    { dependency },
    { cause },
  );
/** The request was not answered within `HANDLER_TIMEOUT_MS`: something it waits for hangs. */
export const handlerTimedOut = (cause?: unknown) =>
  new AppError(503, "SERVICE_UNAVAILABLE", "The request was not answered in time; try again later", {}, { cause });

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
