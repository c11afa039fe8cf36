export {
  type HealthReport,
  type MetricsServer,
  type MetricsServerOptions,
  type QueueDashboardOptions,
  startMetricsServer,
} from "./metrics-server";
export { QUEUE_DASHBOARD_PATH } from "./queue-dashboard";
export {
  DEFAULT_QUEUE_DEPTH_TIMEOUT_MS,
  QUEUE_STATES,
  type QueueDepthOptions,
  registerQueueDepth,
} from "./queue-depth";
export { createMetricsRegistry } from "./registry";
