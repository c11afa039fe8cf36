import { randomUUID } from "node:crypto";
import cors from "@fastify/cors";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { createLogger } from "@learning-hub/lifecycle";
import Fastify, { type FastifyInstance } from "fastify";
import type { AppDependencies } from "./dependencies";
import { jwtCodec, jwtPlugin } from "./plugins/auth";
import { errorHandlerPlugin } from "./plugins/error-handler";
import { metricsPlugin } from "./plugins/metrics";
import { openApiPlugin } from "./plugins/openapi";
import { rateLimitPlugin } from "./plugins/rate-limit";
import { routePolicyPlugin } from "./plugins/route-policy";
import { adminRoutes } from "./routes/admin";
import { authRoutes } from "./routes/auth";
import { captionRoutes } from "./routes/captions";
import { healthRoutes } from "./routes/health";
import { materialRoutes } from "./routes/materials";
import { searchRoutes } from "./routes/search";
import { uploadRoutes } from "./routes/upload";
import { registerSharedSchemas } from "./schemas";
import { createServices } from "./services";

/** 1 MiB for JSON bodies; uploads stream through multipart with their own limits. */
const JSON_BODY_LIMIT = 1024 * 1024;

export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const logger = deps.logger ?? createLogger(deps.config);
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: JSON_BODY_LIMIT,
    genReqId: (req) => {
      const incoming = req.headers["x-request-id"];
      return typeof incoming === "string" && /^[\w.-]{1,128}$/.test(incoming) ? incoming : randomUUID();
    },
    trustProxy: true,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: "array", allErrors: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addHook("onRequest", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });
  registerSharedSchemas(app);

  await app.register(metricsPlugin, { queues: deps.queues });
  await app.register(errorHandlerPlugin);
  await app.register(openApiPlugin, { config: deps.config });
  await app.register(cors, { origin: deps.config.http.corsOrigins === "*" ? true : deps.config.http.corsOrigins });

  await app.register(rateLimitPlugin, { config: deps.config, redis: deps.redis });
  await app.register(jwtPlugin, { config: deps.config });
  const services = createServices({ ...deps, logger }, jwtCodec(app));
  services.upload.onBytesStored((bytes) => app.metrics.uploadBytes.inc(bytes));
  // Before every route: turns each route's `config.auth` into its guard, OpenAPI security and error responses.
  await app.register(routePolicyPlugin, { auth: services.auth });
  await app.register(healthRoutes, { health: services.health });
  await app.register(materialRoutes, {
    prefix: "/api/v1/materials",
    catalogue: services.catalogue,
    media: services.media,
  });
  app.addHook("onClose", () => services.catalogue.close());
  await app.register(uploadRoutes, { prefix: "/api/v1/upload", upload: services.upload });
  // Search and captions (issue 13).
  await app.register(searchRoutes, { prefix: "/api/v1/search", search: services.search });
  await app.register(captionRoutes, { prefix: "/api/v1/materials", captions: services.captions });
  await app.register(authRoutes, { prefix: "/api/v1/auth", auth: services.auth, rateLimit: deps.config.rateLimit });
  await app.register(adminRoutes, {
    prefix: "/api/v1/admin",
    cleanup: services.adminCleanup,
    scheduler: services.scheduler,
    jobs: services.adminJobs,
  });

  return app;
}
