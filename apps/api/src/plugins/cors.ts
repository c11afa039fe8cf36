import cors from "@fastify/cors";
import type { Config } from "@learning-hub/config";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { notAPreflight } from "../errors/app-error";
// Resumable uploads: what tus-js-client and Uppy send and read.
import { TUS_EXPOSED_HEADERS, TUS_REQUEST_HEADERS } from "../routes/resumable-upload";

/** Every method a route of the API answers to. */
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
/** What a browser app sends beyond the CORS-safelisted request headers. */
const ALLOWED_HEADERS = ["Authorization", "Content-Type", "X-Request-Id", ...TUS_REQUEST_HEADERS];
/** Answer headers scripts on another origin may read (each once: tus exposes Location too). */
const EXPOSED_HEADERS = [
  ...new Set([
    "X-Request-Id",
    "Retry-After",
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
    "Location",
    "Allow",
    ...TUS_EXPOSED_HEADERS,
  ]),
];
/** Browsers cap it (Chrome at 2 hours); within that, one preflight per URL and method. */
const PREFLIGHT_MAX_AGE_SECONDS = 7200;

/**
 * CORS for web apps on `CORS_ORIGINS`: every method, bearer tokens and JSON or
 * multipart bodies, the useful answer headers exposed, preflights cached. An
 * OPTIONS request that is not a preflight (no Origin or no
 * Access-Control-Request-Method) is 400 in the envelope.
 */
export const corsPlugin = fp<{ config: Config }>(
  async (app: FastifyInstance, { config }) => {
    app.addHook("onRequest", async (request) => {
      if (request.method !== "OPTIONS") return;
      const missing = ["origin", "access-control-request-method"].filter((header) => !request.headers[header]);
      if (missing.length > 0) throw notAPreflight(missing);
    });
    await app.register(cors, {
      origin: config.http.corsOrigins === "*" ? true : config.http.corsOrigins,
      methods: METHODS,
      allowedHeaders: ALLOWED_HEADERS,
      exposedHeaders: EXPOSED_HEADERS,
      maxAge: PREFLIGHT_MAX_AGE_SECONDS,
    });
  },
  { name: "cors" },
);
