import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { type FieldProblem, validationError } from "../errors/app-error";

/**
 * Ajv coerces `"Infinity"` and `"1e309"` to `Infinity`, calls it an integer
 * and skips `maximum` for it (its range checks apply to finite numbers only);
 * `JSON.parse` turns `1e309` into `Infinity` too. PostgreSQL then refuses the
 * value with a 500. This refuses any non-finite number in params, query or a
 * body's fields with 400 `VALIDATION_ERROR` naming the field, after validation
 * and before any handler.
 */
export const finiteNumbersPlugin = fp(
  async (app: FastifyInstance) => {
    app.addHook("preHandler", async (request: FastifyRequest) => {
      // Only what the route validates: other parts are never read.
      const schema = request.routeOptions.schema ?? {};
      const problems = [
        ...(schema.params ? nonFinite(request.params) : []),
        ...(schema.querystring ? nonFinite(request.query) : []),
        ...(schema.body ? nonFinite(request.body) : []),
      ];
      if (problems.length > 0) throw validationError(problems);
    });
  },
  { name: "finite-numbers" },
);

function nonFinite(values: unknown): FieldProblem[] {
  if (typeof values !== "object" || values === null) return [];
  return Object.entries(values)
    .filter(([, value]) => typeof value === "number" && !Number.isFinite(value))
    .map(([field]) => ({ field, reason: "must be a finite number" }));
}
