export {
  type HealthReport,
  type MetricsServer,
  type MetricsServerOptions,
  startMetricsServer,
} from "./metrics-server";
export {
  DEFAULT_QUEUE_DEPTH_TIMEOUT_MS,
  QUEUE_STATES,
  type QueueDepthOptions,
  registerQueueDepth,
} from "./queue-depth";
export { createMetricsRegistry } from "./registry";
