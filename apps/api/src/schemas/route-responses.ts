import { type TSchema, Type } from "@sinclair/typebox";
import type { RouteOptions } from "fastify";
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

const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);

/** An error response of one route, with what it means there. */
export const errorResponse = (description: string): TSchema => Type.Ref(ErrorEnvelope, { description });

/**
 * The error responses a route can give whatever it does: 500 always; 400 when
 * it validates params, query or body; 422 when it takes a body; 401/403 when
 * guarded; 429 unless rate limiting is off for it; 503 unless it never reads
 * the database. A route's own entries (with their descriptions) win.
 */
export function commonErrorResponses(route: RouteOptions, auth: RouteAuth): Record<number, TSchema> {
  const schema = route.schema ?? {};
  const methods = toMethods(route.method);
  const statuses = [500];
  if (schema.params || schema.querystring || schema.body) statuses.push(400);
  if (methods.some((method) => BODY_METHODS.has(method))) statuses.push(422);
  if (auth === "user" || auth === "admin") statuses.push(401, 403);
  if (route.config?.rateLimit !== false) statuses.push(429);
  if (route.config?.database !== false) statuses.push(503);
  return Object.fromEntries(statuses.map((status) => [status, Type.Ref(ErrorEnvelope)]));
}

const toMethods = (method: RouteOptions["method"]): string[] =>
  (Array.isArray(method) ? method : [method]).map((m) => String(m).toUpperCase());
