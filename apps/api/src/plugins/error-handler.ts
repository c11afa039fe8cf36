import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import FindMyWay, { type HTTPMethod, type HTTPVersion } from "find-my-way";
import { AppError, type ErrorCode, type FieldProblem } from "../errors/app-error";
import { isDatabaseUnavailable } from "../errors/database";

interface Envelope {
  error: { code: string; message: string; details: Record<string, unknown> };
}

const envelope = (code: ErrorCode, message: string, details: Record<string, unknown> = {}): Envelope => ({
  error: { code, message, details },
});

interface AjvLikeError {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

/** Turns Fastify/Ajv validation errors into `details.fields`. */
function fieldProblems(error: FastifyError): FieldProblem[] {
  const items = (error.validation ?? []) as AjvLikeError[];
  const context = error.validationContext ?? "body";
  return items.map((item) => {
    const path = (item.instancePath ?? "").replace(/^\//, "").replaceAll("/", ".");
    const missing = item.keyword === "required" ? String(item.params?.missingProperty ?? "") : "";
    const extra = item.keyword === "additionalProperties" ? String(item.params?.additionalProperty ?? "") : "";
    const field = [path, missing || extra].filter(Boolean).join(".") || context;
    return { field, reason: item.message ?? "is invalid" };
  });
}

/** Maps any error to the status and envelope the contract prescribes. */
export function toEnvelope(error: FastifyError | AppError | Error): { status: number; body: Envelope } {
  if (error instanceof AppError) {
    return { status: error.statusCode, body: envelope(error.code, error.message, error.details) };
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    return {
      status: 400,
      body: envelope("VALIDATION_ERROR", "Request validation failed", { fields: fieldProblems(fastifyError) }),
    };
  }
  switch (fastifyError.code) {
    case "FST_ERR_CTP_INVALID_JSON_BODY":
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
    case "FST_INVALID_MULTIPART_CONTENT_TYPE":
    case "FST_MULTIPART_INVALID_CONTENT_TYPE":
      return {
        status: 422,
        body: envelope("VALIDATION_ERROR", "Request body could not be parsed", { reason: fastifyError.message }),
      };
    case "FST_ERR_CTP_BODY_TOO_LARGE":
    case "FST_REQ_FILE_TOO_LARGE":
    case "FST_PARTS_LIMIT":
    case "FST_FILES_LIMIT":
    case "FST_FIELDS_LIMIT":
      return { status: 413, body: envelope("FILE_TOO_LARGE", "Request body is too large") };
  }
  if (isDatabaseUnavailable(error)) {
    return { status: 503, body: envelope("DATABASE_ERROR", "Database is unavailable") };
  }
  const status = fastifyError.statusCode;
  if (status === 429) {
    return { status, body: envelope("RATE_LIMIT_EXCEEDED", "Too many requests, slow down") };
  }
  if (status !== undefined && status >= 400 && status < 500) {
    // Other client errors raised by Fastify or a plugin (e.g. malformed multipart).
    return { status: status === 400 ? 422 : status, body: envelope("VALIDATION_ERROR", fastifyError.message) };
  }
  return { status: 500, body: envelope("INTERNAL_ERROR", "Internal server error") };
}

/**
 * The one place errors become envelopes: route errors, validation, parser and
 * plugin errors, unknown routes (404) and known paths with another method (405).
 */
export const errorHandlerPlugin = fp(
  async (app: FastifyInstance) => {
    const knownRoutes = FindMyWay<HTTPVersion.V1>();
    app.addHook("onRoute", (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods.map((m) => m.toUpperCase() as HTTPMethod)) {
        if (method === "HEAD" || knownRoutes.find(method, route.url)) continue;
        knownRoutes.on(method, route.url, () => {});
      }
    });

    app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const { status, body } = toEnvelope(error);
      if (status >= 500) request.log.error({ err: error }, "request failed");
      else request.log.info({ code: body.error.code, status }, "request rejected");
      const headers = (error as { headers?: Record<string, string> }).headers;
      if (status === 429 && headers) void reply.headers(headers);
      return reply.status(status).send(body);
    });

    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split("?")[0] ?? "/";
      const allowed = ["GET", "POST", "PUT", "PATCH", "DELETE"].filter((m) => knownRoutes.find(m as HTTPMethod, path));
      if (allowed.length > 0) {
        return reply
          .status(405)
          .header("allow", allowed.join(", "))
          .send(envelope("METHOD_NOT_ALLOWED", `Method ${request.method} is not allowed on ${path}`, { allowed }));
      }
      return reply.status(404).send(envelope("NOT_FOUND", `Route ${request.method} ${path} not found`));
    });
  },
  { name: "error-handler" },
);
