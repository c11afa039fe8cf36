import { loadConfig } from "@learning-hub/config";
import { createDatabase, runMigrations } from "@learning-hub/db";
import { createLogger, logUnhandledRejections, onShutdownSignal } from "@learning-hub/lifecycle";
import { createWorkerConnection } from "@learning-hub/queue";
import { createStorage } from "@learning-hub/storage";
import { buildWorker } from "./worker";

const config = loadConfig();
const logger = createLogger(config).child({ service: "worker" });
logUnhandledRejections(logger);

await runMigrations(config.database.url);
const database = createDatabase({ url: config.database.url, poolMax: config.database.poolMax });
const connection = createWorkerConnection(config.redis.url);
const storage = createStorage(config.storage, logger);
await storage.ensureBucket();

const worker = buildWorker({ config, logger, database, storage, connection });
await worker.start();

onShutdownSignal(logger, config.shutdownTimeoutSeconds, async () => {
  await worker.close();
  connection.disconnect();
  await database.close();
});
