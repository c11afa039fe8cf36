import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";

export interface HealthReport {
  healthy: boolean;
  /** Extra fields for people reading the answer. */
  [detail: string]: unknown;
}

export interface MetricsServerOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  registry: Registry;
  /** When given, `GET /health` answers 200 or 503 with its report as JSON. */
  health?: () => HealthReport;
  logger?: { error(obj: object, msg: string): void };
}

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/**
 * A small HTTP server for operators, apart from the public API port:
 * `GET /metrics` in the Prometheus text format and, optionally, `GET /health`.
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const server = createServer((request, response) => {
    handle(options, request, response).catch((err: unknown) => {
      options.logger?.error({ err }, "metrics request failed");
      if (!response.headersSent) response.writeHead(500, { "content-type": "text/plain" });
      response.end("internal error\n");
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function handle(options: MetricsServerOptions, request: IncomingMessage, response: ServerResponse) {
  const path = (request.url ?? "/").split("?")[0];
  if (request.method !== "GET" && request.method !== "HEAD") {
    response.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" }).end("method not allowed\n");
    return;
  }
  if (path === "/metrics") {
    const body = await options.registry.metrics();
    response.writeHead(200, { "content-type": options.registry.contentType }).end(body);
    return;
  }
  if (path === "/health" && options.health) {
    const report = options.health();
    response
      .writeHead(report.healthy ? 200 : 503, { "content-type": "application/json" })
      .end(JSON.stringify({ status: report.healthy ? "healthy" : "unhealthy", ...report }));
    return;
  }
  response.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
}
