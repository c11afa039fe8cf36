import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { createLogger } from "@learning-hub/lifecycle";
import Fastify, { type FastifyInstance } from "fastify";
import type { AppDependencies } from "./dependencies";
import { CONNECTION_IDLE_TIMEOUT_MS, HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS } from "./http-timeouts";
import { jwtCodec, jwtPlugin } from "./plugins/auth";
import { corsPlugin } from "./plugins/cors";
import { errorHandlerPlugin } from "./plugins/error-handler";
import { finiteNumbersPlugin } from "./plugins/finite-numbers";
import { metricsPlugin } from "./plugins/metrics";
import { openApiPlugin } from "./plugins/openapi";
import { answerUnknownExpectation, clientErrorHandler, frameworkErrors, requestIdOf } from "./plugins/protocol-errors";
import { rateLimitPlugin } from "./plugins/rate-limit";
import { routePolicyPlugin } from "./plugins/route-policy";
import { securityHeadersPlugin } from "./plugins/security-headers";
import { adminRoutes } from "./routes/admin";
import { adminControlRoutes } from "./routes/admin-control";
import { authRoutes } from "./routes/auth";
import { captionRoutes } from "./routes/captions";
import { healthRoutes } from "./routes/health";
import { materialRoutes } from "./routes/materials";
import { RESUMABLE_UPLOAD_PATH, resumableUploadRoutes } from "./routes/resumable-upload";
import { searchRoutes } from "./routes/search";
import { uploadRoutes } from "./routes/upload";
import { registerSharedSchemas } from "./schemas";
import { createServices } from "./services";
import { fastifyTrustProxy } from "./trust-proxy";

/** 1 MiB for JSON bodies; uploads stream through multipart with their own limits. */
const JSON_BODY_LIMIT = 1024 * 1024;

export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const logger = deps.logger ?? createLogger(deps.config);
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: JSON_BODY_LIMIT,
    genReqId: (req) => requestIdOf(req.headers),
    // Off by default: the socket address is the client (views and rate limits count per address).
    trustProxy: fastifyTrustProxy(deps.config.http.trustProxy),
    connectionTimeout: CONNECTION_IDLE_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    // A hung dependency answers 503 instead of holding the request; the upload route sets its own bound.
    handlerTimeout: deps.config.http.handlerTimeoutMs,
    // Answers in the envelope for what fails before a route runs.
    frameworkErrors,
    clientErrorHandler,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: "array", allErrors: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.server.headersTimeout = HEADERS_TIMEOUT_MS;
  app.server.on("checkExpectation", answerUnknownExpectation);

  app.addHook("onRequest", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });
  registerSharedSchemas(app);

  await app.register(metricsPlugin, { queues: deps.queues });
  await app.register(errorHandlerPlugin);
  await app.register(finiteNumbersPlugin);
  await app.register(securityHeadersPlugin);
  await app.register(corsPlugin, { config: deps.config });

  await app.register(rateLimitPlugin, { config: deps.config, redis: deps.redis });
  await app.register(jwtPlugin, { config: deps.config });
  const services = createServices({ ...deps, logger }, jwtCodec(app));
  services.upload.onBytesStored((bytes) => app.metrics.uploadBytes.inc(bytes));
  // Before every route: turns each route's `config.auth` into its guard, OpenAPI security and error responses.
  await app.register(routePolicyPlugin, { auth: services.auth });
  // After the route policy, so the document sees each route as the policy left it (a HEAD route is copied).
  await app.register(openApiPlugin, { config: deps.config });
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
  // --- resumable (tus) uploads
  await app.register(resumableUploadRoutes, {
    prefix: RESUMABLE_UPLOAD_PATH,
    resumable: services.resumable,
    corsOrigins: deps.config.http.corsOrigins,
  });
  // --- end resumable uploads
  await app.register(authRoutes, { prefix: "/api/v1/auth", auth: services.auth, rateLimit: deps.config.rateLimit });
  await app.register(adminRoutes, {
    prefix: "/api/v1/admin",
    cleanup: services.adminCleanup,
    scheduler: services.scheduler,
    jobs: services.adminJobs,
  });
  await app.register(adminControlRoutes, {
    prefix: "/api/v1/admin",
    scheduler: services.scheduler,
    runHistory: services.runHistory,
    audit: services.audit,
    queueControls: services.queueControls,
  });

  return app;
}
