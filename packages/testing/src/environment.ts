import { randomBytes } from "node:crypto";
import { type Config, loadConfig } from "@learning-hub/config";
import { createDatabase, type DatabaseHandle } from "@learning-hub/db";
import { createStorage, type ObjectStorage } from "@learning-hub/storage";
import { inject } from "vitest";
import "./provided-context";
import { adminQuery, databaseUrl } from "./constants";

export interface TestEnvironment {
  config: Config;
  database: DatabaseHandle;
  storage: ObjectStorage;
  /** Drops the database and closes connections; call in `afterAll`. */
  dispose(): Promise<void>;
}

/** In a test file: the run's PostgreSQL (a URL for creating and dropping databases) and Redis. */
export function testServices(): { postgresAdminUrl: string; redisUrl: string } {
  return { postgresAdminUrl: inject("postgresAdminUrl"), redisUrl: inject("redisUrl") };
}

/**
 * An isolated environment for one test file: its own database cloned from the
 * migrated template, its own Redis key prefix and its own bucket.
 */
export async function createTestEnvironment(overrides: Record<string, string> = {}): Promise<TestEnvironment> {
  const id = randomBytes(5).toString("hex");
  const databaseName = `lh_test_${id}`;
  const { postgresAdminUrl, redisUrl } = testServices();
  await adminQuery(postgresAdminUrl, `create database ${databaseName} template ${inject("templateDatabase")}`);
  const config = loadConfig({
    NODE_ENV: "test",
    LOG_LEVEL: "silent",
    DATABASE_URL: databaseUrl(postgresAdminUrl, databaseName),
    REDIS_URL: redisUrl,
    REDIS_PREFIX: `lhtest:${id}`,
    S3_ENDPOINT: inject("s3Endpoint"),
    S3_BUCKET: `materials-${id}`,
    STORAGE_PUBLIC_URL: `${inject("s3Endpoint")}/materials-${id}`,
    JWT_SECRET: "test-secret-of-sufficient-length-0123456789",
    API_METRICS_PORT: "0",
    WORKER_METRICS_PORT: "0",
    ...overrides,
  });
  const database = createDatabase({
    url: config.database.url,
    poolMax: config.database.poolMax,
    statementTimeoutMs: config.database.statementTimeoutMs,
  });
  const storage = createStorage(config.storage);
  await storage.ensureBucket();
  return {
    config,
    database,
    storage,
    async dispose() {
      await database.close();
      await adminQuery(postgresAdminUrl, `drop database if exists ${databaseName} with (force)`);
    },
  };
}
