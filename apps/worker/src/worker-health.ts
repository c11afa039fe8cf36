import type { HealthReport } from "@learning-hub/metrics";
import type { Worker } from "bullmq";

/**
 * Liveness of the worker process: healthy while every BullMQ worker's loop
 * runs. Closing (shutdown) or a crashed loop makes it unhealthy. A Redis
 * outage does not: BullMQ reconnects by itself, and a restart would not help.
 */
export function workersHealth(workers: readonly Worker[]): HealthReport {
  const running = Object.fromEntries(workers.map((w) => [w.name, w.isRunning() && !w.closing]));
  return { healthy: workers.length > 0 && Object.values(running).every(Boolean), workers: running };
}
