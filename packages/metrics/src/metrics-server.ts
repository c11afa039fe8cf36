import type { AddressInfo } from "node:net";
import type { Queue } from "bullmq";
import Fastify, { type FastifyInstance, type FastifyReply } from "fastify";
import type { Registry } from "prom-client";
import { mountQueueDashboard } from "./queue-dashboard";

export interface HealthReport {
  healthy: boolean;
  /** Extra fields for people reading the answer. */
  [detail: string]: unknown;
}

export interface QueueDashboardOptions {
  queues: readonly Queue[];
  /** Whether the dashboard may change anything (retry, clean, pause…); read-only otherwise. */
  writable: boolean;
}

export interface MetricsServerOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  registry: Registry;
  /** When given, `GET /health` answers 200 or 503 with its report as JSON. */
  health?: () => HealthReport;
  /** When given, the queue dashboard (bull-board) is served under `/queues`. */
  queueDashboard?: QueueDashboardOptions;
  logger?: { error(obj: object, msg: string): void };
}

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

const OTHER_METHODS = ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

/**
 * A small HTTP server for operators, apart from the public API port:
 * `GET /metrics` in the Prometheus text format and, optionally, `GET /health`
 * and the queue dashboard.
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  // Closing cuts keep-alive connections (Prometheus keeps one open), so shutdown never waits on them.
  const app = Fastify({ logger: false, forceCloseConnections: true });
  app.setErrorHandler((err, _request, reply) => {
    options.logger?.error({ err }, "operator request failed");
    return plain(reply, 500, "internal error\n");
  });
  app.setNotFoundHandler((_request, reply) => plain(reply, 404, "not found\n"));

  getOnly(app, "/metrics", async (reply) => {
    const body = await options.registry.metrics();
    return reply.code(200).type(options.registry.contentType).send(body);
  });
  const { health } = options;
  if (health) {
    getOnly(app, "/health", async (reply) => {
      const report = health();
      return reply
        .code(report.healthy ? 200 : 503)
        .type("application/json")
        .send(JSON.stringify({ status: report.healthy ? "healthy" : "unhealthy", ...report }));
    });
  }
  if (options.queueDashboard) await mountQueueDashboard(app, options.queueDashboard);

  await app.listen({ host: options.host, port: options.port });
  return {
    port: (app.server.address() as AddressInfo).port,
    close: () => app.close(),
  };
}

/** A path answering GET (and HEAD), and 405 with `Allow` to any other method. */
function getOnly(app: FastifyInstance, url: string, handler: (reply: FastifyReply) => Promise<FastifyReply>): void {
  app.get(url, (_request, reply) => handler(reply));
  app.route({
    method: [...OTHER_METHODS],
    url,
    handler: (_request, reply) => plain(reply.header("allow", "GET, HEAD"), 405, "method not allowed\n"),
  });
}

const plain = (reply: FastifyReply, status: number, body: string) => reply.code(status).type("text/plain").send(body);
