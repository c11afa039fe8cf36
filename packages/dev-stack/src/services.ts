import { mkdir } from "node:fs/promises";
import type { ConfiguredServiceUrls, DevStackSettings } from "@learning-hub/config";
import { errorMessage, log } from "./log";
import { provideObjectStorage } from "./object-storage";
import { providePostgres } from "./postgres";
import { provideRedis } from "./redis";
import type { Orphans, ProvidedService, StackPaths } from "./stack";

export interface ProvidedServices {
  /** Variables pointing the apps at the provided services. */
  env: Record<string, string>;
  /** Stops what this launcher started: Redis, then object storage, then PostgreSQL. */
  stop(): Promise<void>;
}

const STOP_ORDER = ["redis", "s3rver", "postgres"];

async function stopAll(services: ProvidedService[]): Promise<void> {
  const ordered = [...services].sort((a, b) => STOP_ORDER.indexOf(a.name) - STOP_ORDER.indexOf(b.name));
  for (const service of ordered) {
    await service.stop().catch((error: unknown) => log(`stopping ${service.name} failed: ${errorMessage(error)}`));
  }
}

/**
 * Starts (or reuses) a local server for every service whose URL is not configured, all at once.
 * If one fails, the others are stopped and its error is thrown.
 */
export async function provideServices(
  configured: ConfiguredServiceUrls,
  settings: DevStackSettings,
  paths: StackPaths,
  orphans: Orphans,
): Promise<ProvidedServices> {
  const starting: Promise<ProvidedService>[] = [];
  if (configured.databaseUrl === undefined) starting.push(providePostgres(paths, settings.postgresPort, orphans));
  if (configured.redisUrl === undefined) starting.push(provideRedis(paths, settings.redisPort, orphans));
  if (configured.s3Endpoint === undefined) {
    starting.push(provideObjectStorage(paths, settings.s3Port, settings.bucket));
  }
  if (starting.length > 0) await mkdir(paths.dataDir, { recursive: true, mode: 0o755 });

  const results = await Promise.allSettled(starting);
  const services = results.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  const failures = results.flatMap((result) => (result.status === "rejected" ? [result.reason] : []));
  if (failures.length > 0) {
    await stopAll(services);
    // Every failure on its own line: a user who fixes one should not then meet the next.
    for (const failure of failures.slice(1)) log(errorMessage(failure));
    throw failures[0];
  }
  return {
    env: Object.assign({}, ...services.map((service) => service.env)),
    stop: () => stopAll(services),
  };
}
