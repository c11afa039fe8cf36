import { type TSchema, Type } from "@sinclair/typebox";
import type { RouteOptions } from "fastify";
import { ERROR_STATUSES, type ErrorCode } from "../errors/app-error";
import type { RouteAuth } from "../plugins/route-policy";
import { ErrorEnvelope } from "./common";

const BEARER = { bearerAuth: [] };

/** OpenAPI `security` of a route: none, optional bearer, or bearer. */
export function securityOf(auth: RouteAuth): Record<string, string[]>[] {
  switch (auth) {
    case "public":
      return [];
    case "optional":
      return [{}, BEARER];
    case "user":
    case "admin":
      return [BEARER];
  }
}

/** The methods whose bodies Fastify parses (DELETE too), so a body can be too large or unparsable. */
const BODY_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Where an error response's codes travel from the route schema to the OpenAPI
 * document (which turns them into the `code` enum of a named schema). The
 * serializer ignores it.
 */
export const ERROR_CODES_KEY = "x-error-codes";

type ErrorCodes = [ErrorCode, ...ErrorCode[]];

/** An error response of one route: what it means there, and the codes it carries. */
export const errorResponse = (description: string, ...codes: ErrorCodes): TSchema =>
  Type.Ref(ErrorEnvelope, { description, [ERROR_CODES_KEY]: codes });

/** The error responses a route gets from `commonErrorResponses`, with what they mean on any route. */
const COMMON = {
  badRequest: errorResponse(
    "`VALIDATION_ERROR`: a parameter, query or body field breaks its rules",
    "VALIDATION_ERROR",
  ),
  unauthorized: errorResponse(
    "`UNAUTHORIZED`: no bearer token; `INVALID_TOKEN`: a token that is invalid, expired or revoked; " +
      "`USER_NOT_FOUND`: its user no longer exists",
    "UNAUTHORIZED",
    "INVALID_TOKEN",
    "USER_NOT_FOUND",
  ),
  inactive: errorResponse("`INACTIVE_USER`: the caller's account is disabled", "INACTIVE_USER"),
  inactiveOrNotAdmin: errorResponse(
    "`INACTIVE_USER`: the caller's account is disabled; `FORBIDDEN`: the caller is not an administrator",
    "INACTIVE_USER",
    "FORBIDDEN",
  ),
  bodyTooLarge: errorResponse("`FILE_TOO_LARGE`: the request body is larger than 1 MiB", "FILE_TOO_LARGE"),
  unparsable: errorResponse("`VALIDATION_ERROR`: the request body could not be parsed", "VALIDATION_ERROR"),
  rateLimited: errorResponse("`RATE_LIMIT_EXCEEDED`: too many requests from this client", "RATE_LIMIT_EXCEEDED"),
  internal: errorResponse("`INTERNAL_ERROR`: an unexpected failure", "INTERNAL_ERROR"),
  parameterTooLong: errorResponse("`VALIDATION_ERROR`: a path parameter is too long", "VALIDATION_ERROR"),
  unavailable: errorResponse(
    "`DATABASE_ERROR`: the database is unavailable; `SERVICE_UNAVAILABLE`: Redis is, or the answer took too long",
    "DATABASE_ERROR",
    "SERVICE_UNAVAILABLE",
  ),
};

/**
 * The error responses a route can give whatever it does: 500 always; 503
 * always (`DATABASE_ERROR`, or `SERVICE_UNAVAILABLE` when Redis is down or
 * the route is not answered within `HANDLER_TIMEOUT_MS`); 400 when it
 * validates params, query or body; 414 when it has path parameters (one over
 * the router's length limit); 413 and 422 when it takes a body; 401/403 when
 * guarded; 429 unless rate limiting is off for it.
 */
export function commonErrorResponses(route: RouteOptions, auth: RouteAuth): Record<number, TSchema> {
  const schema = route.schema ?? {};
  const common: Record<number, TSchema> = { 500: COMMON.internal, 503: COMMON.unavailable };
  if (schema.params || schema.querystring || schema.body) common[400] = COMMON.badRequest;
  if (route.url.includes(":")) common[414] = COMMON.parameterTooLong;
  if (toMethods(route.method).some((method) => BODY_METHODS.has(method))) {
    common[413] = COMMON.bodyTooLarge;
    common[422] = COMMON.unparsable;
  }
  if (auth === "user" || auth === "admin") {
    common[401] = COMMON.unauthorized;
    common[403] = auth === "admin" ? COMMON.inactiveOrNotAdmin : COMMON.inactive;
  }
  if (route.config?.rateLimit !== false) common[429] = COMMON.rateLimited;
  return common;
}

/**
 * A route's responses with the common error responses merged in: the route's
 * own entry for a status comes first in the description and carries the codes of both.
 * Fails (at start-up) on a code the error catalogue never answers with that status.
 */
export function withCommonErrorResponses(
  route: RouteOptions,
  auth: RouteAuth,
  own: Record<string, TSchema> = {},
): Record<string, TSchema> {
  const merged: Record<string, TSchema> = { ...own };
  for (const [status, response] of Object.entries(commonErrorResponses(route, auth))) {
    const declared = merged[status];
    merged[status] = declared
      ? {
          ...declared,
          description: `${declared.description}; ${response.description}`,
          [ERROR_CODES_KEY]: [...new Set([...errorCodesOf(declared), ...errorCodesOf(response)])],
        }
      : response;
  }
  for (const [status, response] of Object.entries(merged)) {
    for (const code of errorCodesOf(response)) {
      if (!(ERROR_STATUSES[code] as readonly number[]).includes(Number(status))) {
        throw new Error(`Route ${String(route.method)} ${route.url}: ${code} is never answered with ${status}`);
      }
    }
  }
  return merged;
}

/** The codes an error response of a route schema carries (none for a success response). */
export const errorCodesOf = (response: TSchema): ErrorCode[] =>
  (response[ERROR_CODES_KEY] as ErrorCode[] | undefined) ?? [];

const toMethods = (method: RouteOptions["method"]): string[] =>
  (Array.isArray(method) ? method : [method]).map((m) => String(m).toUpperCase());
