import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { DatabaseHealth, Liveness, Readiness } from "../schemas/health";
import { errorResponse } from "../schemas/route-responses";
import type { HealthService } from "../services/health-service";

const READINESS_DESCRIPTION = [
  "Readiness for load balancers and orchestrators (`/health` is liveness): checks PostgreSQL (`select 1`),",
  "Redis (`PING`) and object storage at once, each within 1-2 s.",
  "503 when any fails, with `details.checks` giving each one's result (`ok`, `error` or `timeout`):",
  "code `DATABASE_ERROR` when the database is among the failures, `INTERNAL_ERROR` otherwise.",
].join(" ");

export const healthRoutes: FastifyPluginAsyncTypebox<{ health: HealthService }> = async (app, { health }) => {
  app.get(
    "/health",
    {
      config: { auth: "public" },
      schema: {
        tags: ["health"],
        operationId: "getLiveness",
        summary: "Liveness",
        response: { 200: Type.Ref(Liveness, { description: "The process is up" }) },
      },
    },
    async () => health.liveness(),
  );

  app.get(
    "/api/v1/health/db",
    {
      config: { auth: "public" },
      schema: {
        tags: ["health"],
        operationId: "getDatabaseHealth",
        summary: "Database connectivity",
        response: { 200: Type.Ref(DatabaseHealth, { description: "PostgreSQL answers" }) },
      },
    },
    async () => health.checkDatabase(),
  );

  app.get(
    "/ready",
    {
      config: { auth: "public" },
      schema: {
        tags: ["operations"],
        operationId: "getReadiness",
        summary: "Readiness",
        description: READINESS_DESCRIPTION,
        response: {
          200: Type.Ref(Readiness, { description: "Every dependency answers" }),
          503: errorResponse(
            "`DATABASE_ERROR` when the database is among the failed checks, `INTERNAL_ERROR` otherwise",
            "DATABASE_ERROR",
            "INTERNAL_ERROR",
          ),
        },
      },
    },
    async () => health.readiness(),
  );
};
