import { loadConfig } from "@learning-hub/config";
import { createDatabase } from "@learning-hub/db";
import { createClientConnection, JobQueues, jobSettings } from "@learning-hub/queue";
import { createStorage } from "@learning-hub/storage";
import { pino } from "pino";
import { buildApp } from "./app";

/** Nothing listens here: the app is built only to read its routes. */
const UNREACHABLE = "127.0.0.1:9";

/**
 * The OpenAPI document of the app, built with `buildApp` on dependencies that
 * never connect (lazy Redis, lazy PostgreSQL pool, an S3 client that is never
 * called): for generating clients without any service running.
 */
export async function exportOpenApiDocument(): Promise<unknown> {
  const config = loadConfig({
    NODE_ENV: "development",
    DATABASE_URL: `postgres://openapi@${UNREACHABLE}/openapi`,
    REDIS_URL: `redis://${UNREACHABLE}`,
    S3_ENDPOINT: `http://${UNREACHABLE}`,
    S3_ACCESS_KEY: "openapi",
    S3_SECRET_KEY: "openapi",
  });
  const logger = pino({ level: "silent" });
  const database = createDatabase({ url: config.database.url, poolMax: 1 });
  const redis = createClientConnection(config.redis.url, { lazyConnect: true });
  const queues = new JobQueues({ connection: redis, prefix: config.redis.prefix, settings: jobSettings(config) });
  const app = await buildApp({
    config,
    database,
    redis,
    queues,
    storage: createStorage(config.storage, logger),
    logger,
  });
  try {
    await app.ready();
    return app.swagger();
  } finally {
    await app.close();
    await queues.close();
    redis.disconnect();
    await database.close();
  }
}
