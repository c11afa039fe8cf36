import { Counter } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { createMetricsRegistry, type MetricsServer, startMetricsServer } from "../src";

let server: MetricsServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

const url = (path: string) => `http://127.0.0.1:${server?.port}${path}`;

describe("metrics server", () => {
  it("serves the registry in the Prometheus text format, with the process metrics", async () => {
    const registry = createMetricsRegistry();
    new Counter({ name: "things_total", help: "Things", registers: [registry] }).inc(3);
    server = await startMetricsServer({ host: "127.0.0.1", port: 0, registry });

    const response = await fetch(url("/metrics"));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain; version=0.0.4");
    const body = await response.text();
    expect(body).toContain("things_total 3");
    expect(body).toContain("process_cpu_user_seconds_total");
    expect(body).toContain("nodejs_eventloop_lag_seconds");
  });

  it("keeps registries apart: a series of one app never shows in another's", async () => {
    const first = createMetricsRegistry();
    const second = createMetricsRegistry();
    new Counter({ name: "only_in_first_total", help: "x", registers: [first] }).inc();
    expect(await first.metrics()).toContain("only_in_first_total 1");
    expect(await second.metrics()).not.toContain("only_in_first_total");
  });

  it("answers /health with 200 or 503 from the report, and 404 without a health check", async () => {
    let healthy = true;
    server = await startMetricsServer({
      host: "127.0.0.1",
      port: 0,
      registry: createMetricsRegistry(),
      health: () => ({ healthy, workers: { thumbnails: healthy } }),
    });
    const up = await fetch(url("/health"));
    expect(up.status).toBe(200);
    expect(await up.json()).toEqual({ status: "healthy", healthy: true, workers: { thumbnails: true } });

    healthy = false;
    const down = await fetch(url("/health"));
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ status: "unhealthy", workers: { thumbnails: false } });

    await server.close();
    server = await startMetricsServer({ host: "127.0.0.1", port: 0, registry: createMetricsRegistry() });
    expect((await fetch(url("/health"))).status).toBe(404);
  });

  it("rejects other paths and methods", async () => {
    server = await startMetricsServer({ host: "127.0.0.1", port: 0, registry: createMetricsRegistry() });
    expect((await fetch(url("/nope"))).status).toBe(404);
    const post = await fetch(url("/metrics"), { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
  });

  it("fails to start on a port in use instead of hanging", async () => {
    server = await startMetricsServer({ host: "127.0.0.1", port: 0, registry: createMetricsRegistry() });
    await expect(
      startMetricsServer({ host: "127.0.0.1", port: server.port, registry: createMetricsRegistry() }),
    ).rejects.toThrow(/EADDRINUSE/);
  });
});
