import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { errorResponses } from "../schemas/common";
import type { HealthService } from "../services/health-service";

const Liveness = Type.Object({ status: Type.Literal("healthy"), version: Type.String(), environment: Type.String() });
const DatabaseHealth = Type.Object({ status: Type.Literal("healthy"), database: Type.Literal("connected") });

export const healthRoutes: FastifyPluginAsyncTypebox<{ health: HealthService }> = async (app, { health }) => {
  app.get("/health", { schema: { tags: ["health"], summary: "Liveness", response: { 200: Liveness } } }, async () =>
    health.liveness(),
  );

  app.get(
    "/api/v1/health/db",
    {
      schema: {
        tags: ["health"],
        summary: "Database connectivity",
        response: { 200: DatabaseHealth, ...errorResponses(503) },
      },
    },
    async () => {
      await health.checkDatabase();
      return { status: "healthy" as const, database: "connected" as const };
    },
  );
};
