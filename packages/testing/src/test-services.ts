import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configuredServiceUrls } from "@learning-hub/config";
import { freePorts, provideServices, stackPaths } from "@learning-hub/dev-stack";

export interface TestServices {
  /** A database URL on the test PostgreSQL server, for creating and dropping databases. */
  postgresAdminUrl: string;
  redisUrl: string;
  /** Stops what was started for the run (nothing when both URLs were set). */
  stop(): Promise<void>;
}

/**
 * The PostgreSQL and Redis of a test run: those of DATABASE_URL and REDIS_URL when set (CI sets them to the
 * machine's services), otherwise private ones started now by the dev launcher's code (embedded PostgreSQL,
 * a `redis-server`) in a temporary folder on free ports, and stopped with `stop()`.
 */
export async function startTestServices(): Promise<TestServices> {
  const configured = configuredServiceUrls();
  if (configured.databaseUrl !== undefined && configured.redisUrl !== undefined) {
    return { postgresAdminUrl: configured.databaseUrl, redisUrl: configured.redisUrl, stop: async () => {} };
  }
  const dataDir = await mkdtemp(join(tmpdir(), "lh-test-services-"));
  // Run as root, embedded PostgreSQL runs as the `postgres` user, which must reach its data directory.
  await chmod(dataDir, 0o755);
  const settings = { dataDir, ...(await freePorts(["postgresPort", "redisPort"])), s3Port: 0, apiPort: 0 };
  // The global setup runs its own s3rver: the launcher's is not wanted.
  const provided = await provideServices(
    { ...configured, s3Endpoint: "http://127.0.0.1:0" },
    { ...settings, bucket: "unused" },
    stackPaths(dataDir),
    // A fresh folder: whatever runs from it is this run's to stop.
    "adopt",
  ).catch(async (error: unknown) => {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  });
  const databaseUrl = configured.databaseUrl ?? provided.env.DATABASE_URL;
  const redisUrl = configured.redisUrl ?? provided.env.REDIS_URL;
  if (databaseUrl === undefined || redisUrl === undefined) throw new Error("the test services did not start");
  return {
    postgresAdminUrl: databaseUrl,
    redisUrl,
    async stop() {
      await provided.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
