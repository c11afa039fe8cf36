import { collectDefaultMetrics, Registry } from "prom-client";

/**
 * A registry of its own with the process metrics (CPU, memory, event loop, GC)
 * in it. Never prom-client's global registry: tests build several apps in one
 * process, and each must count only its own series.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
