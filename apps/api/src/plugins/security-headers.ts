import type { IncomingMessage, ServerResponse } from "node:http";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import helmet, { type HelmetOptions } from "helmet";

/** One year, as HSTS preload lists expect. */
const HSTS_MAX_AGE_SECONDS = 365 * 24 * 3600;

const HELMET_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  frameguard: { action: "deny" },
  referrerPolicy: { policy: "no-referrer" },
  hsts: false,
};

/**
 * The headers helmet sets for `options`, collected once: with no directive computed from the request they are
 * the same on every answer, and helmet's middleware would rebuild them per request.
 */
function helmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string) {
      headers[name.toLowerCase()] = value;
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let failure: unknown;
  // helmet only sets and removes headers on the response, synchronously, and never reads the request.
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    failure = error;
  });
  if (failure) throw failure;
  return headers;
}

/**
 * Response headers for a JSON API (helmet's): nothing an answer contains may run
 * or be framed (`default-src 'none'`, `frame-ancestors 'none'`, X-Frame-Options
 * DENY), content types are not sniffed, no referrer leaves. HSTS only on
 * requests that arrived over TLS (directly, or through a trusted proxy's
 * X-Forwarded-Proto): over plain HTTP it means nothing, and a development
 * server on localhost must not pin browsers to HTTPS. The docs page sets its
 * own CSP (swagger-ui's static CSP).
 */
export const securityHeadersPlugin = fp(
  async (app: FastifyInstance) => {
    const headers = helmetHeaders(HELMET_OPTIONS);
    app.addHook("onRequest", (request, reply, done) => {
      reply.headers(headers);
      if (request.protocol === "https") {
        reply.header("strict-transport-security", `max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains`);
      }
      done();
    });
  },
  { name: "security-headers" },
);
