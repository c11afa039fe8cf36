import { loadConfig } from "@learning-hub/config";
import { createDatabase, runMigrations } from "@learning-hub/db";
import { onShutdownSignal } from "@learning-hub/lifecycle";
import { createWorkerConnection, JobQueues, jobSettings } from "@learning-hub/queue";
import { createStorage } from "@learning-hub/storage";
import type { WorkerDependencies } from "./dependencies";
import { createJobHandlers } from "./jobs/handlers";
import { startWorkers } from "./jobs/runtime";
import { createLogger } from "./logger";
import { locateFfmpeg } from "./media";
import { ScheduleReconciler } from "./scheduler/schedule-reconciler";
import { prepareThumbnailWork } from "./services/thumbnail-startup";

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
const scheduler = new ScheduleReconciler({ config, logger, database, queues, settings, connection });
await scheduler.start();
const runtime = startWorkers({ config, logger, connection, handlers: createJobHandlers(deps), settings });
logger.info({ queues: runtime.workers.map((w) => w.name) }, "worker started");

onShutdownSignal(logger, config.shutdownTimeoutSeconds, async () => {
  // Active jobs finish; jobs not yet taken stay queued for other workers; a job cut off by
  // the timeout is handed to another worker through stalled-job recovery.
  await scheduler.close();
  await runtime.close();
  await queues.close();
  connection.disconnect();
  await database.close();
});
