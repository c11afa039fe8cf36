import { loadConfig } from "@learning-hub/config";
import { createDatabase, runMigrations } from "@learning-hub/db";
import { UsersRepository } from "@learning-hub/db/repositories/users";
import { createLogger, logUnhandledRejections, onShutdownSignal } from "@learning-hub/lifecycle";
import { startMetricsServer } from "@learning-hub/metrics";
import { createClientConnection, JobQueues, jobSettings } from "@learning-hub/queue";
import { createStorage } from "@learning-hub/storage";
import { buildApp } from "./app";
import { grantBootstrapAdmin } from "./services/bootstrap-admin";

const config = loadConfig();
const logger = createLogger(config);
logUnhandledRejections(logger);

await runMigrations(config.database.url);
const database = createDatabase({
  url: config.database.url,
  poolMax: config.database.poolMax,
  statementTimeoutMs: config.database.statementTimeoutMs,
});
await grantBootstrapAdmin(new UsersRepository(database.db), config.auth.bootstrapAdminEmail, logger);
const redis = createClientConnection(config.redis.url, { commandTimeout: config.redis.commandTimeoutMs });
redis.on("error", (err) => logger.warn({ err: err.message }, "redis connection error"));
const queues = new JobQueues({ connection: redis, prefix: config.redis.prefix, settings: jobSettings(config) });
const storage = createStorage(config.storage, logger);
await storage.ensureBucket();

const app = await buildApp({ config, database, redis, queues, storage, logger });
await app.listen({ host: config.http.host, port: config.http.port });
// `/metrics` stays off the public port: its own listener, or none when API_METRICS_PORT is 0.
const metricsServer =
  config.metrics.apiPort === 0
    ? undefined
    : await startMetricsServer({
        host: config.http.host,
        port: config.metrics.apiPort,
        registry: app.metrics.registry,
        // bull-board beside /metrics, never on the public port.
        queueDashboard: { queues: queues.all(), writable: config.metrics.queueDashboardWrite },
        logger,
      });

onShutdownSignal(logger, config.shutdownTimeoutSeconds, async () => {
  // Stop accepting and let in-flight requests finish, then release the pools.
  await app.close();
  await metricsServer?.close();
  await queues.close();
  redis.disconnect();
  await database.close();
});
