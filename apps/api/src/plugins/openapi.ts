import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { Config } from "@learning-hub/config";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

/** OpenAPI 3 document generated from the route schemas, at `/openapi.json`, with a docs page at `/docs`. */
export const openApiPlugin = fp<{ config: Config }>(
  async (app: FastifyInstance, { config }) => {
    await app.register(swagger, {
      openapi: {
        openapi: "3.0.3",
        info: {
          title: "Learning Hub API",
          version: config.version,
          description: "Share, browse, like and discuss course materials (videos and PDFs).",
        },
        servers: [{ url: "/" }],
        components: {
          securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
        },
      },
      refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
    });
    await app.register(swaggerUi, { routePrefix: "/docs" });
    app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  },
  { name: "openapi" },
);
