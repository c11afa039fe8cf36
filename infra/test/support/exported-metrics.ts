import { randomBytes } from "node:crypto";
import { type ApiMetrics, createApiMetrics } from "../../../apps/api/src/plugins/metrics";
import { createWorkerMetrics } from "../../../apps/worker/src/metrics";
import { loadConfig } from "../../../packages/config/src";
import { createClientConnection, JobQueues, jobSettings } from "../../../packages/queue/src";
import { testServices } from "../../../packages/testing/src/environment";

/** Labels every series gets from Prometheus itself, and the ones the text format adds to histograms. */
const TARGET_LABELS = ["job", "instance"];

/** Label names of every series the API and the worker export, by series name (histograms expanded). */
export type ExportedSeries = Map<string, Set<string>>;

/**
 * Builds the API's and the worker's metrics registries as the apps do and lists
 * their series: the metric names a dashboard or alert can rely on.
 */
export async function exportedSeries(): Promise<ExportedSeries> {
  const { redisUrl } = testServices();
  const connection = createClientConnection(redisUrl);
  const config = loadConfig({
    DATABASE_URL: "postgres://unused@127.0.0.1/unused",
    REDIS_URL: redisUrl,
    S3_ENDPOINT: "http://127.0.0.1:1",
  });
  const queues = new JobQueues({
    connection,
    prefix: `lhtest:${randomBytes(4).toString("hex")}`,
    settings: jobSettings(config),
  });
  try {
    const series: ExportedSeries = new Map();
    for (const registry of [createApiMetrics(queues).registry, createWorkerMetrics(queues).registry]) {
      addSeries(series, registry);
    }
    return series;
  } finally {
    await queues.close();
    connection.disconnect();
  }
}

function addSeries(series: ExportedSeries, registry: ApiMetrics["registry"]): void {
  for (const metric of registry.getMetricsAsArray()) {
    // prom-client keeps label names on the metric object without typing them, and types `type` as a
    // numeric enum although it holds the text-format name ("histogram", ...).
    const { labelNames: own = [], type } = metric as unknown as { labelNames?: string[]; type: string };
    const { name } = metric;
    const labels = [...own, ...TARGET_LABELS];
    const add = (name: string, extra: string[] = []) =>
      series.set(name, new Set([...(series.get(name) ?? []), ...labels, ...extra]));
    if (type === "histogram") {
      add(`${name}_bucket`, ["le"]);
      add(`${name}_sum`);
      add(`${name}_count`);
    } else if (type === "summary") {
      add(name, ["quantile"]);
      add(`${name}_sum`);
      add(`${name}_count`);
    } else {
      add(name);
    }
  }
}
