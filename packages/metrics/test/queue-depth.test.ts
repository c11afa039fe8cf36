import { randomBytes } from "node:crypto";
import { TcpProxy, testServices } from "@learning-hub/testing";
import { Queue } from "bullmq";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUEUE_STATES, registerQueueDepth } from "../src";

const prefix = `lhtest:metrics-${randomBytes(4).toString("hex")}`;
const redisUrl = new URL(testServices().redisUrl);
const redis = { host: redisUrl.hostname, port: Number(redisUrl.port || 6379) };
let queues: Queue[] = [];

beforeAll(() => {
  queues = ["alpha", "beta"].map((name) => new Queue(name, { connection: redis, prefix }));
});

afterAll(async () => {
  for (const queue of queues) {
    await queue.obliterate({ force: true });
    await queue.close();
  }
});

/** The value of `queue_jobs{queue, state}` in the exposition, or undefined when the series is absent. */
function gauge(text: string, queue: string, state: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`queue_jobs{queue="${queue}",state="${state}"}`));
  return line === undefined ? undefined : Number(line.split(" ").at(-1));
}

describe("queue depth", () => {
  it("reports every state of every queue, read at scrape time", async () => {
    const registry = new Registry();
    registerQueueDepth(registry, queues);
    const [alpha, beta] = queues as [Queue, Queue];
    await alpha.add("a", {});
    await alpha.add("b", {});
    await alpha.add("c", {}, { delay: 60_000 });
    await alpha.add("d", {}, { priority: 5 });

    const text = await registry.metrics();
    expect(gauge(text, "alpha", "waiting")).toBe(2);
    expect(gauge(text, "alpha", "delayed")).toBe(1);
    expect(gauge(text, "alpha", "prioritized")).toBe(1);
    for (const state of QUEUE_STATES) expect(gauge(text, "beta", state)).toBe(0);

    await beta.add("e", {});
    await beta.pause();
    const later = await registry.metrics();
    expect(gauge(later, "beta", "paused")).toBe(1);
    expect(gauge(later, "beta", "waiting")).toBe(0);
    expect(later).toContain('queue_jobs_collect_failures_total{queue="beta"} 0');
  });

  it("gives up within its timeout when Redis does not answer, reporting no stale counts", async () => {
    const proxy = new TcpProxy(redis.host, redis.port);
    const port = await proxy.start();
    // Retries forever, like the worker's connection: only the collector's timeout can end a scrape.
    const queue = new Queue("gamma", {
      connection: { host: "127.0.0.1", port, maxRetriesPerRequest: null },
      prefix,
    });
    const registry = new Registry();
    registerQueueDepth(registry, [queue], { timeoutMs: 300 });
    await queue.add("f", {});
    expect(gauge(await registry.metrics(), "gamma", "waiting")).toBe(1);

    await proxy.pause();
    const started = Date.now();
    const text = await registry.metrics();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(gauge(text, "gamma", "waiting")).toBeUndefined();
    expect(text).toContain('queue_jobs_collect_failures_total{queue="gamma"} 1');

    await proxy.resume();
    await queue.obliterate({ force: true });
    await queue.close();
    await proxy.stop();
  });
});
