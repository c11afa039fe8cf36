import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { DatabaseHealth, Liveness, Readiness } from "../schemas/health";
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
      config: { auth: "public", database: false },
      schema: { tags: ["health"], summary: "Liveness", response: { 200: Liveness } },
    },
    async () => health.liveness(),
  );

  app.get(
    "/api/v1/health/db",
    {
      config: { auth: "public" },
      schema: {
        tags: ["health"],
        summary: "Database connectivity",
        response: { 200: DatabaseHealth },
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
        summary: "Readiness",
        description: READINESS_DESCRIPTION,
        response: { 200: Readiness },
      },
    },
    async () => health.readiness(),
  );
};
