import swagger, { type SwaggerTransform } from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { Config } from "@learning-hub/config";
import type { TSchema } from "@sinclair/typebox";
import type { FastifyInstance, RouteOptions } from "fastify";
import fp from "fastify-plugin";
import { errorCodesOf } from "../schemas/route-responses";
import { type ErrorCodesByOperation, type OpenApiDocument, operationKey, refineDocument } from "./openapi-document";

const TAGS = [
  { name: "auth", description: "Accounts, sessions and their bearer tokens" },
  { name: "materials", description: "Browse, view, like and withdraw course materials" },
  { name: "upload", description: "Upload videos and PDFs, follow their processing, delete them" },
  { name: "search", description: "Full-text search over titles, descriptions, PDF pages and captions" },
  { name: "captions", description: "Caption tracks (WebVTT) of videos, also searchable" },
  { name: "admin", description: "Cleanups, scheduled jobs and failed jobs; administrators only" },
  { name: "health", description: "Liveness and database connectivity" },
  { name: "operations", description: "Readiness for load balancers and orchestrators" },
];

/**
 * A route's `config.swaggerTransform` for a multipart body it reads itself:
 * the document declares the form, while Fastify validates no body.
 */
export const documentMultipartBody =
  (form: TSchema): SwaggerTransform =>
  ({ schema, url }) => ({ schema: { ...schema, body: form, consumes: ["multipart/form-data"] }, url });

/** Each documented route's error codes per status, from its `errorResponse`s. */
function errorCodesByOperation(routes: RouteOptions[]): ErrorCodesByOperation {
  const byOperation: ErrorCodesByOperation = new Map();
  for (const route of routes) {
    const responses = (route.schema?.response ?? {}) as Record<string, TSchema>;
    const codes = Object.entries(responses).map(([status, schema]) => [status, errorCodesOf(schema)] as const);
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      byOperation.set(operationKey(method, route.url), Object.fromEntries(codes.filter(([, list]) => list.length > 0)));
    }
  }
  return byOperation;
}

/**
 * OpenAPI 3 document generated from the route schemas, at `/openapi.json`, with a docs page at `/docs`
 * unless `DOCS_ENABLED` turns it off (the default in production).
 */
export const openApiPlugin = fp<{ config: Config }>(
  async (app: FastifyInstance, { config }) => {
    // Route options, read when the document is generated (after `route-policy` has completed them).
    const routes: RouteOptions[] = [];
    app.addHook("onRoute", (route) => {
      routes.push(route);
    });
    await app.register(swagger, {
      openapi: {
        openapi: "3.0.3",
        info: {
          title: "Learning Hub API",
          version: config.version,
          description: "Share, browse, like and discuss course materials (videos and PDFs).",
        },
        servers: [{ url: "/" }],
        tags: TAGS,
        components: {
          securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
        },
      },
      refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
      transformObject: (documents) =>
        "openapiObject" in documents
          ? refineDocument(documents.openapiObject as OpenApiDocument, errorCodesByOperation(routes))
          : documents.swaggerObject,
    });
    // Its own CSP: the API's `default-src 'none'` would stop the page's scripts and styles.
    if (config.http.docsEnabled) await app.register(swaggerUi, { routePrefix: "/docs", staticCSP: true });
    app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  },
  { name: "openapi" },
);
