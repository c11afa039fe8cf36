import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { Config } from "@learning-hub/config";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

/**
 * OpenAPI 3 document generated from the route schemas, at `/openapi.json`, with a docs page at `/docs`
 * unless `DOCS_ENABLED` turns it off (the default in production).
 */
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
    // Its own CSP: the API's `default-src 'none'` would stop the page's scripts and styles.
    if (config.http.docsEnabled) await app.register(swaggerUi, { routePrefix: "/docs", staticCSP: true });
    app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  },
  { name: "openapi" },
);
