import { createMetricsRegistry, registerQueueDepth } from "@learning-hub/metrics";
import type { JobQueues } from "@learning-hub/queue";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { Counter, Histogram, type Registry } from "prom-client";

/** The `route` label of requests no route matched (404s, 405s): raw URLs would make unbounded series. */
export const UNMATCHED_ROUTE = "unmatched";

/** Seconds; up to minutes because uploads of large videos stream through one request. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** The API's metrics, in a registry of this app's own; served by main.ts on the metrics port, never the API port. */
export interface ApiMetrics {
  registry: Registry;
  httpRequestDuration: Histogram<"method" | "route" | "status_code">;
  uploadBytes: Counter;
  /** The Prometheus text exposition of every metric. */
  render(): Promise<string>;
}

export function createApiMetrics(queues: JobQueues): ApiMetrics {
  const registry = createMetricsRegistry();
  registerQueueDepth(registry, queues.all());
  return {
    registry,
    httpRequestDuration: new Histogram({
      name: "http_request_duration_seconds",
      help: "Time from receiving a request to sending its response, by route pattern and status",
      labelNames: ["method", "route", "status_code"],
      buckets: DURATION_BUCKETS,
      registers: [registry],
    }),
    uploadBytes: new Counter({
      name: "upload_bytes_total",
      help: "Bytes of uploaded files stored in object storage (completed uploads only)",
      registers: [registry],
    }),
    render: () => registry.metrics(),
  };
}

declare module "fastify" {
  interface FastifyInstance {
    metrics: ApiMetrics;
  }
}

/** Times every request (under its route pattern) and decorates the app with `metrics`. Register before the routes. */
export const metricsPlugin = fp<{ queues: JobQueues }>(
  async (app: FastifyInstance, { queues }) => {
    const metrics = createApiMetrics(queues);
    app.decorate("metrics", metrics);
    app.addHook("onResponse", async (request, reply) => {
      // `elapsedTime` counts from Fastify's onRequest, so it covers parsing, hooks, handler and serialization.
      metrics.httpRequestDuration.observe(
        {
          method: request.method,
          route: request.routeOptions.url ?? UNMATCHED_ROUTE,
          status_code: String(reply.statusCode),
        },
        reply.elapsedTime / 1000,
      );
    });
  },
  { name: "metrics" },
);
