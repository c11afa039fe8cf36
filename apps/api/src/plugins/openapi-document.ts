import {
  type AppError,
  alreadyDeleted,
  bodyTooLarge,
  cleanupFailed,
  databaseUnavailable,
  dependencyUnavailable,
  type ErrorCode,
  emailAlreadyExists,
  forbidden,
  inactiveUser,
  internalError,
  invalidMaterialType,
  invalidStatus,
  invalidToken,
  materialNotFound,
  methodNotAllowed,
  rateLimitExceeded,
  scheduledJobNotFound,
  unauthorized,
  unsupportedFileType,
  uploadFailed,
  userNotFound,
  validationError,
} from "../errors/app-error";

/*
 * The finishing pass over the document @fastify/swagger generates from the
 * route schemas: what a generated client needs and the route schemas cannot
 * say (or would make Fastify validate differently). Pure functions of the
 * document, so the served document is the one tested.
 */

type JsonObject = Record<string, unknown>;

interface Schema extends JsonObject {
  $ref?: string;
  required?: string[];
  properties?: Record<string, Schema>;
}

interface MediaType extends JsonObject {
  schema?: Schema;
  example?: unknown;
}

interface Response extends JsonObject {
  description: string;
  headers?: Record<string, JsonObject>;
  content?: Record<string, MediaType>;
}

interface Parameter extends JsonObject {
  in: string;
  name: string;
  required?: boolean;
  schema?: Schema;
}

interface Operation extends JsonObject {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, MediaType> };
  responses: Record<string, Response>;
}

export interface OpenApiDocument extends JsonObject {
  paths: Record<string, Record<string, Operation>>;
  components: JsonObject & { schemas?: Record<string, Schema>; headers?: Record<string, JsonObject> };
}

const SCHEMA_PREFIX = "#/components/schemas/";
const ERROR_ENVELOPE = "ErrorEnvelope";

/** Headers every answer carries, and those of a 429, as named components. */
const HEADERS: Record<string, JsonObject> = {
  RequestId: {
    description: "The request's id (the client's `x-request-id` when it sent a sane one); logs carry it",
    schema: { type: "string", example: "5d0e4c1e-2f7b-4f43-9a55-0c1f0f6b2a11" },
  },
  RetryAfter: { description: "Seconds until the client may try again", schema: { type: "integer", example: 42 } },
  RateLimitLimit: { description: "Requests allowed per window", schema: { type: "integer", example: 100 } },
  RateLimitRemaining: { description: "Requests left in this window", schema: { type: "integer", example: 0 } },
  RateLimitReset: { description: "Seconds until the window resets", schema: { type: "integer", example: 42 } },
};
const headerRef = (name: string) => ({ $ref: `#/components/headers/${name}` });
const RATE_LIMIT_HEADERS = {
  "retry-after": headerRef("RetryAfter"),
  "x-ratelimit-limit": headerRef("RateLimitLimit"),
  "x-ratelimit-remaining": headerRef("RateLimitRemaining"),
  "x-ratelimit-reset": headerRef("RateLimitReset"),
};

/** An answer of each code, made by the catalogue's own factories: the examples of the error schemas. */
const EXAMPLE_ERRORS: Record<ErrorCode, AppError> = {
  EMAIL_ALREADY_EXISTS: emailAlreadyExists(),
  INVALID_TYPE: invalidMaterialType(),
  VALIDATION_ERROR: validationError([{ field: "title", reason: "must NOT have fewer than 1 characters" }]),
  ALREADY_DELETED: alreadyDeleted(),
  INVALID_STATUS: invalidStatus("The upload is still in progress", { status: "processing" }),
  UNAUTHORIZED: unauthorized(),
  INVALID_TOKEN: invalidToken(),
  USER_NOT_FOUND: userNotFound(),
  FORBIDDEN: forbidden("Only the uploader can delete this material"),
  INACTIVE_USER: inactiveUser(),
  NOT_FOUND: materialNotFound(),
  METHOD_NOT_ALLOWED: methodNotAllowed("PUT", "/api/v1/materials", ["GET"]),
  JOB_NOT_FOUND: scheduledJobNotFound("nightly_report"),
  FILE_TOO_LARGE: bodyTooLarge(),
  UNSUPPORTED_FILE_TYPE: unsupportedFileType("notes.docx"),
  RATE_LIMIT_EXCEEDED: rateLimitExceeded("1 minute", 60),
  INTERNAL_ERROR: internalError(),
  UPLOAD_FAILED: uploadFailed(undefined),
  CLEANUP_FAILED: cleanupFailed("Cleanup did not finish within 60 seconds", undefined),
  DATABASE_ERROR: databaseUnavailable(),
  SERVICE_UNAVAILABLE: dependencyUnavailable("redis"),
};

/** The error codes of each operation's error responses: `"get /api/v1/materials/{material_id}"` -> status -> codes. */
export type ErrorCodesByOperation = Map<string, Record<string, ErrorCode[]>>;

/** The key of `ErrorCodesByOperation` for a Fastify route. */
export const operationKey = (method: string, url: string): string =>
  `${method.toLowerCase()} ${url.replace(/:(\w+)/g, "{$1}")}`;

/** Runs every finishing step; the document is changed in place and returned. */
export function refineDocument(document: OpenApiDocument, errorCodes: ErrorCodesByOperation): OpenApiDocument {
  document.components.headers = { ...document.components.headers, ...HEADERS };
  for (const [path, pathItem] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(pathItem)) {
      refineOperation(operation, errorCodes.get(`${method} ${path}`) ?? {}, document);
    }
  }
  dropUnusedEnvelope(document);
  return document;
}

function refineOperation(operation: Operation, errorCodes: Record<string, ErrorCode[]>, document: OpenApiDocument) {
  markDefaultedParametersOptional(operation);
  relaxDefaultedBody(operation, document);
  for (const [status, response] of Object.entries(operation.responses)) {
    const codes = errorCodes[status];
    if (codes) nameErrorSchema(response, codes, document);
    response.headers = {
      "x-request-id": headerRef("RequestId"),
      ...(status === "429" ? RATE_LIMIT_HEADERS : {}),
      ...response.headers,
    };
  }
}

/** A query parameter with a default is one the client may leave out (Ajv fills it in). */
function markDefaultedParametersOptional(operation: Operation): void {
  for (const parameter of operation.parameters ?? []) {
    if (parameter.in === "query" && parameter.schema?.default !== undefined) parameter.required = false;
  }
}

/**
 * Body fields with a default are optional to the client; a body with nothing
 * left required may be left out altogether (the route fills in `{}`).
 */
function relaxDefaultedBody(operation: Operation, document: OpenApiDocument): void {
  const body = operation.requestBody;
  const schema = body?.content["application/json"]?.schema;
  if (!body || !schema) return;
  const resolved = schema.$ref ? document.components.schemas?.[schema.$ref.slice(SCHEMA_PREFIX.length)] : schema;
  if (!resolved?.properties) return;
  const properties = resolved.properties;
  const required = (resolved.required ?? []).filter((name) => properties[name]?.default === undefined);
  if (required.length > 0) resolved.required = required;
  else {
    delete resolved.required;
    body.required = false;
  }
}

/**
 * An error response's codes (from `errorResponse`) become a named schema: the
 * envelope with `code` as the enum of exactly those codes, one schema per set
 * of codes, named after them (`NotFoundError`, `InvalidTypeOrValidationError`).
 */
function nameErrorSchema(response: Response, codes: ErrorCode[], document: OpenApiDocument): void {
  const media = response.content?.["application/json"];
  const [first] = codes;
  if (!media || !first) return;
  const sorted = [...codes].sort();
  const joined = sorted.map(pascalCase).join("Or");
  const name = joined.endsWith("Error") ? joined : `${joined}Error`;
  const schemas = document.components.schemas ?? {};
  schemas[name] ??= errorSchemaFor(sorted, schemas[ERROR_ENVELOPE]);
  document.components.schemas = schemas;
  media.schema = { $ref: `${SCHEMA_PREFIX}${name}` };
  const example = EXAMPLE_ERRORS[first];
  media.example = { error: { code: example.code, message: example.message, details: example.details } };
}

/** The envelope, with `code` narrowed to the codes this answer can carry. */
function errorSchemaFor(codes: ErrorCode[], envelope: Schema | undefined): Schema {
  const error = envelope?.properties?.error;
  if (!envelope || !error?.properties) throw new Error(`The ${ERROR_ENVELOPE} schema is not registered`);
  const { example: _example, ...code } = error.properties.code ?? {};
  return {
    ...envelope,
    description: `An error answer with code ${codes.join(" or ")}`,
    properties: { error: { ...error, properties: { ...error.properties, code: { ...code, enum: codes } } } },
  };
}

/** The generic envelope stays only while a response still uses it (each has its own codes). */
function dropUnusedEnvelope(document: OpenApiDocument): void {
  const reference = JSON.stringify(`${SCHEMA_PREFIX}${ERROR_ENVELOPE}`);
  if (!JSON.stringify(document.paths).includes(reference)) delete document.components.schemas?.[ERROR_ENVELOPE];
}

const pascalCase = (code: string): string =>
  code
    .toLowerCase()
    .split("_")
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join("");
