import { buildApp } from "../../apps/api/src/app";
import { loadConfig } from "../../packages/config/src/index";
import { createDatabase } from "../../packages/db/src/index";
import { createClientConnection, JobQueues, jobSettings } from "../../packages/queue/src/index";
import { createStorage } from "../../packages/storage/src/index";
import { LOCAL_REDIS_URL } from "../../packages/testing/src/constants";

/**
 * The real API as production runs it, listening on `port` over the database at `url` (request logs off,
 * as on the baseline side, so neither pays for them).
 */
export async function startApiServer(url: string, port: number): Promise<void> {
  const config = loadConfig({
    NODE_ENV: "production",
    LOG_LEVEL: "warn",
    DATABASE_URL: url,
    REDIS_URL: LOCAL_REDIS_URL,
    REDIS_PREFIX: "lhbench",
    S3_ENDPOINT: "http://127.0.0.1:9000",
    JWT_SECRET: "bench-only-secret-that-is-long-enough-0123456789",
    API_METRICS_PORT: "0",
  });
  const database = createDatabase({ url, poolMax: config.database.poolMax });
  const redis = createClientConnection(config.redis.url);
  const queues = new JobQueues({ connection: redis, prefix: config.redis.prefix, settings: jobSettings(config) });
  const app = await buildApp({ config, database, redis, queues, storage: createStorage(config.storage) });
  await app.listen({ host: "127.0.0.1", port });
}
