import { loadConfig } from "@learning-hub/config";
import { createDatabase, runMigrations } from "@learning-hub/db";
import { onShutdownSignal } from "@learning-hub/lifecycle";
import { startMetricsServer } from "@learning-hub/metrics";
import { createWorkerConnection, JobQueues, jobSettings } from "@learning-hub/queue";
import { createStorage } from "@learning-hub/storage";
import type { WorkerDependencies } from "./dependencies";
import { createJobHandlers } from "./jobs/handlers";
import { startWorkers } from "./jobs/runtime";
import { createLogger } from "./logger";
import { locateFfmpeg } from "./media";
import { createWorkerMetrics } from "./metrics";
import { ScheduleReconciler } from "./scheduler/schedule-reconciler";
import { prepareThumbnailWork } from "./services/thumbnail-startup";
import { SWEEP_SCHEDULER_ID, scheduleThumbnailSweep } from "./services/thumbnail-sweep";
import { workersHealth } from "./worker-health";

const config = loadConfig();
const logger = createLogger(config);

await runMigrations(config.database.url);
const database = createDatabase({ url: config.database.url, poolMax: config.database.poolMax });
const connection = createWorkerConnection(config.redis.url);
const settings = jobSettings(config);
const queues = new JobQueues({ connection, prefix: config.redis.prefix, settings });
const storage = createStorage(config.storage, logger);
await storage.ensureBucket();

const ffmpeg = locateFfmpeg();
const deps: WorkerDependencies = { config, logger, database, storage, connection, queues, settings, ffmpeg };
await prepareThumbnailWork(deps);
// Reconciled before consuming, so a scheduler paused while Redis was away never fires here.
const scheduler = new ScheduleReconciler({
  config,
  logger,
  database,
  queues,
  settings,
  connection,
  fixedSchedules: {
    [SWEEP_SCHEDULER_ID]: () => scheduleThumbnailSweep(queues, settings.sweep_pending_thumbnails),
  },
});
await scheduler.start();
const metrics = createWorkerMetrics(queues);
const runtime = startWorkers({ config, logger, connection, handlers: createJobHandlers(deps), settings, metrics });
logger.info({ queues: runtime.workers.map((w) => w.name) }, "worker started");
// `/metrics` and the container's liveness `/health`; none when WORKER_METRICS_PORT is 0.
const metricsServer =
  config.metrics.workerPort === 0
    ? undefined
    : await startMetricsServer({
        host: config.http.host,
        port: config.metrics.workerPort,
        registry: metrics.registry,
        health: () => workersHealth(runtime.workers),
        logger,
      });

onShutdownSignal(logger, config.shutdownTimeoutSeconds, async () => {
  // Active jobs finish; jobs not yet taken stay queued for other workers; a job cut off by
  // the timeout is handed to another worker through stalled-job recovery.
  await scheduler.close();
  await runtime.close();
  await metricsServer?.close();
  await queues.close();
  connection.disconnect();
  await database.close();
});
