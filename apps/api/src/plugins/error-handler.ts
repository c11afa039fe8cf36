import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import FindMyWay, { type HTTPMethod, type HTTPVersion } from "find-my-way";
import {
  AppError,
  clientError,
  databaseUnavailable,
  type FieldProblem,
  handlerTimedOut,
  internalError,
  methodNotAllowed,
  routeNotFound,
  tooManyRequests,
  validationError,
} from "../errors/app-error";
import { isDatabaseUnavailable } from "../errors/database";
import { requestBodyError } from "../errors/request-body";
import { textPatternReason } from "../schemas/text";

interface Envelope {
  error: { code: string; message: string; details: Record<string, unknown> };
}

const envelope = ({ code, message, details }: AppError): Envelope => ({ error: { code, message, details } });

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
    const patternReason = item.keyword === "pattern" ? textPatternReason(item.params?.pattern) : undefined;
    return { field, reason: patternReason ?? item.message ?? "is invalid" };
  });
}

/** Maps any error to the status and envelope the contract prescribes. */
export function toEnvelope(error: FastifyError | AppError | Error): { status: number; body: Envelope } {
  const known = toAppError(error);
  return { status: known.statusCode, body: envelope(known) };
}

function toAppError(error: FastifyError | AppError | Error): AppError {
  if (error instanceof AppError) return error;
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) return validationError(fieldProblems(fastifyError));
  const bodyError = requestBodyError(error);
  if (bodyError) return bodyError;
  if (isDatabaseUnavailable(error)) return databaseUnavailable(error);
  if (fastifyError.code === "FST_ERR_HANDLER_TIMEOUT") return handlerTimedOut(error);
  const status = fastifyError.statusCode;
  if (status === 429) return tooManyRequests();
  if (status !== undefined && status >= 400 && status < 500) {
    // Other client errors raised by Fastify or a plugin.
    return clientError(status === 400 ? 422 : status, fastifyError.message);
  }
  return internalError(error);
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
        const error = methodNotAllowed(request.method, path, allowed);
        return reply.status(error.statusCode).header("allow", allowed.join(", ")).send(envelope(error));
      }
      const error = routeNotFound(request.method, path);
      return reply.status(error.statusCode).send(envelope(error));
    });
  },
  { name: "error-handler" },
);
