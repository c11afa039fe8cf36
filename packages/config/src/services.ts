import { ConfigError } from "./config";

type EnvSource = Record<string, string | undefined>;

/** Service URLs set in the environment; the dev launcher provides a local server for each one missing. */
export interface ConfiguredServiceUrls {
  databaseUrl?: string;
  redisUrl?: string;
  s3Endpoint?: string;
}

/** Where and on which ports the dev launcher runs the services it provides. */
export interface DevStackSettings {
  /** Data directory of the provided services; `undefined` means `.data` under the repository root. */
  dataDir?: string;
  postgresPort: number;
  redisPort: number;
  s3Port: number;
  /** Port the API listens on, for the "ready" line and the health probe. */
  apiPort: number;
  bucket: string;
}

function nonEmpty(source: EnvSource, key: string): string | undefined {
  const value = source[key]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

function port(source: EnvSource, key: string, fallback: number): number {
  const raw = nonEmpty(source, key);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new ConfigError(`Invalid configuration:\n  ${key}: must be a port number (1-65535), got "${raw}"`);
  }
  return value;
}

export function configuredServiceUrls(source: EnvSource = process.env): ConfiguredServiceUrls {
  return {
    databaseUrl: nonEmpty(source, "DATABASE_URL"),
    redisUrl: nonEmpty(source, "REDIS_URL"),
    s3Endpoint: nonEmpty(source, "S3_ENDPOINT"),
  };
}

export function devStackSettings(source: EnvSource = process.env): DevStackSettings {
  return {
    dataDir: nonEmpty(source, "DEV_STACK_DIR"),
    postgresPort: port(source, "DEV_POSTGRES_PORT", 5433),
    redisPort: port(source, "DEV_REDIS_PORT", 6380),
    s3Port: port(source, "DEV_S3_PORT", 9000),
    apiPort: port(source, "PORT", 8000),
    bucket: nonEmpty(source, "S3_BUCKET") ?? "materials",
  };
}

/** The environment for processes the launcher runs: everything inherited, overridden by what it provides. */
export function childEnvironment(provided: Record<string, string>, source: EnvSource = process.env): NodeJS.ProcessEnv {
  return { ...source, ...provided };
}
