import type { Config } from "@learning-hub/config";
import type { DatabaseHandle } from "@learning-hub/db";
import type { JobQueues } from "@learning-hub/queue";
import type { ObjectStorage } from "@learning-hub/storage";
import type { FastifyBaseLogger } from "fastify";
import type { Redis } from "ioredis";

/** Everything the app needs from the outside; `main.ts` builds it, tests build it cheaply. */
export interface AppDependencies {
  config: Config;
  database: DatabaseHandle;
  /** Fail-fast client connection (caches, view de-duplication, rate limits). */
  redis: Redis;
  queues: JobQueues;
  storage: ObjectStorage;
  /** Defaults to a pino logger at `config.logLevel`. */
  logger?: FastifyBaseLogger;
}

/** What services are built from: the app's dependencies with the app's own logger. */
export type ServiceDependencies = AppDependencies & { logger: FastifyBaseLogger };
