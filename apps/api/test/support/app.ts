import { createClientConnection, JobQueues, jobSettings } from "@learning-hub/queue";
import { createTestEnvironment, type TestEnvironment } from "@learning-hub/testing";
import type { FastifyInstance } from "fastify";
import type { Redis } from "ioredis";
import { buildApp } from "../../src/app";
import type { AppDependencies } from "../../src/dependencies";

export interface TestApp {
  app: FastifyInstance;
  env: TestEnvironment;
  redis: Redis;
  queues: JobQueues;
  deps: AppDependencies;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Environment variables on top of the test defaults. */
  env?: Record<string, string>;
  /** Replace dependencies (e.g. a database behind a proxy). */
  override?: (deps: AppDependencies) => Partial<AppDependencies>;
  logger?: AppDependencies["logger"];
}

/** The real app on its own database, Redis prefix and bucket. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const env = await createTestEnvironment(options.env);
  const redis = createClientConnection(env.config.redis.url, { commandTimeout: env.config.redis.commandTimeoutMs });
  await new Promise((resolve) => redis.once("ready", resolve));
  const queues = new JobQueues({
    connection: redis,
    prefix: env.config.redis.prefix,
    settings: jobSettings(env.config),
  });
  const base: AppDependencies = {
    config: env.config,
    database: env.database,
    redis,
    queues,
    storage: env.storage,
    logger: options.logger,
  };
  const deps = { ...base, ...options.override?.(base) };
  const app = await buildApp(deps);
  await app.ready();
  return {
    app,
    env,
    redis,
    queues,
    deps,
    async close() {
      await app.close();
      await queues.close();
      redis.disconnect();
      await env.dispose();
    },
  };
}
