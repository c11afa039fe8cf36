import helmet from "@fastify/helmet";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

/** One year, as HSTS preload lists expect. */
const HSTS_MAX_AGE_SECONDS = 365 * 24 * 3600;

/**
 * Response headers for a JSON API (helmet): nothing an answer contains may run
 * or be framed (`default-src 'none'`, `frame-ancestors 'none'`, X-Frame-Options
 * DENY), content types are not sniffed, no referrer leaves. HSTS only on
 * requests that arrived over TLS (directly, or through a trusted proxy's
 * X-Forwarded-Proto): over plain HTTP it means nothing, and a development
 * server on localhost must not pin browsers to HTTPS. The docs page sets its
 * own CSP (swagger-ui's static CSP).
 */
export const securityHeadersPlugin = fp(
  async (app: FastifyInstance) => {
    await app.register(helmet, {
      contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
      frameguard: { action: "deny" },
      referrerPolicy: { policy: "no-referrer" },
      hsts: false,
    });
    app.addHook("onRequest", async (request, reply) => {
      if (request.protocol === "https") {
        reply.header("strict-transport-security", `max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains`);
      }
    });
  },
  { name: "security-headers" },
);
