import { Value } from "@sinclair/typebox/value";
import { checkCronSchedule } from "./cron-schedule";
import { type Env, EnvSchema } from "./schema";
import { parseTrustProxy, type TrustProxy } from "./trust-proxy";

export const DEV_JWT_SECRET = "dev-only-insecure-jwt-secret-change-me";

export interface Config {
  env: Env["NODE_ENV"];
  version: string;
  http: {
    host: string;
    port: number;
    corsOrigins: string[] | "*";
    trustProxy: TrustProxy;
    docsEnabled: boolean;
    handlerTimeoutMs: number;
  };
  logLevel: Env["LOG_LEVEL"];
  database: { url: string; poolMax: number; statementTimeoutMs: number };
  redis: { url: string; prefix: string; commandTimeoutMs: number };
  storage: {
    endpoint: string;
    region: string;
    accessKey: string;
    secretKey: string;
    bucket: string;
    publicUrl: string;
    timeoutMs: number;
    /** CORS_ORIGINS again: web apps there read objects straight from the bucket. */
    corsOrigins: string[] | "*";
  };
  auth: {
    jwtSecret: string;
    accessTokenTtlSeconds: number;
    refreshTokenTtlSeconds: number;
    /** Granted the admin role at every API start while set (`ADMIN_EMAIL`). */
    bootstrapAdminEmail: string | undefined;
  };
  rateLimit: { enabled: boolean; max: number; windowSeconds: number; authMax: number };
  metrics: { apiPort: number; workerPort: number; queueDashboardWrite: boolean };
  thumbnails: {
    concurrency: number;
    attempts: number;
    backoffMs: number;
    timeoutSeconds: number;
    lockDurationMs: number;
    stalledIntervalMs: number;
  };
  cleanup: { schedule: string; orphanGraceMinutes: number; timeoutSeconds: number; reconcileSeconds: number };
  jobRuns: { retentionDays: number };
  /** Search (issue 13): limits of PDF text extraction and the backfill's schedule. */
  search: {
    maxPages: number;
    maxCharacters: number;
    extractionAttempts: number;
    extractionTimeoutSeconds: number;
    backfillSchedule: string;
    backfillBatch: number;
  };
  shutdownTimeoutSeconds: number;
  // --- issue 15 ---
  /** Queues this worker consumes; null: all. */
  workerQueues: string[] | null;
  media: {
    concurrency: number;
    attempts: number;
    niceness: number;
    conversionTimeoutSeconds: number;
    transcodeTimeoutSeconds: number;
    transcode: { crf: number; preset: string; maxShortSide: number };
    zipLimits: { maxEntries: number; maxUncompressedBytes: number };
    previewMaxPages: number;
    storyboardMaxTiles: number;
  };
  // --- end issue 15 ---
  resumableUploads: { maxUnfinishedPerUser: number; expirationMs: number };
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

const APP_VERSION = "1.0.0";

/** A comma-separated list, trimmed; null when it names nothing. */
function parseList(value: string): string[] | null {
  const items = value
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
  return items.length > 0 ? items : null;
}

/**
 * Reads the environment once, converts and validates it, and returns the typed
 * config. Throws a `ConfigError` naming every offending variable.
 */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(EnvSchema.properties)) {
    const value = source[key];
    if (value !== undefined && value !== "") raw[key] = value;
  }
  const withDefaults = Value.Default(EnvSchema, raw);
  const converted = Value.Convert(EnvSchema, withDefaults);
  const problems = [...Value.Errors(EnvSchema, converted)].map((e) => {
    const name = e.path.replace(/^\//, "") || "(environment)";
    return `${name}: ${e.message}`;
  });
  const env = converted as Env;
  // Checked here, not when the worker first schedules it: a bad pattern must stop start-up, not fail later.
  const schedule = checkCronSchedule(env.CLEANUP_SCHEDULE, { allowSubMinute: true });
  if (!schedule.valid) problems.push(`CLEANUP_SCHEDULE: not a cron pattern (${schedule.reason})`);
  const backfill = checkCronSchedule(env.TEXT_BACKFILL_SCHEDULE, { allowSubMinute: true });
  if (!backfill.valid) problems.push(`TEXT_BACKFILL_SCHEDULE: not a cron pattern (${backfill.reason})`);
  const trustProxy = parseTrustProxy(env.TRUST_PROXY ?? "");
  if (typeof trustProxy === "string") problems.push(`TRUST_PROXY: ${trustProxy}`);
  if (problems.length > 0 || typeof trustProxy === "string") {
    throw new ConfigError(`Invalid configuration:\n  ${[...new Set(problems)].join("\n  ")}`);
  }
  const corsOrigins =
    env.CORS_ORIGINS.trim() === "*"
      ? "*"
      : env.CORS_ORIGINS.split(",")
          .map((o) => o.trim())
          .filter(Boolean);
  if (env.NODE_ENV === "production" && (source.JWT_SECRET === undefined || env.JWT_SECRET === DEV_JWT_SECRET)) {
    throw new ConfigError("Invalid configuration:\n  JWT_SECRET: must be set to a secret value in production");
  }
  if (env.NODE_ENV === "production" && env.JWT_SECRET.length < 32) {
    throw new ConfigError("Invalid configuration:\n  JWT_SECRET: must be at least 32 characters in production");
  }
  return {
    env: env.NODE_ENV,
    version: APP_VERSION,
    http: {
      host: env.HOST,
      port: env.PORT,
      corsOrigins,
      trustProxy,
      docsEnabled: env.DOCS_ENABLED ?? env.NODE_ENV !== "production",
      handlerTimeoutMs: env.HANDLER_TIMEOUT_MS,
    },
    logLevel: env.LOG_LEVEL,
    database: {
      url: env.DATABASE_URL,
      poolMax: env.DATABASE_POOL_MAX,
      statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
    },
    redis: { url: env.REDIS_URL, prefix: env.REDIS_PREFIX, commandTimeoutMs: env.REDIS_COMMAND_TIMEOUT_MS },
    storage: {
      endpoint: env.S3_ENDPOINT,
      region: env.S3_REGION,
      accessKey: env.S3_ACCESS_KEY,
      secretKey: env.S3_SECRET_KEY,
      bucket: env.S3_BUCKET,
      publicUrl: env.STORAGE_PUBLIC_URL.replace(/\/+$/, ""),
      timeoutMs: env.STORAGE_TIMEOUT_MS,
      corsOrigins,
    },
    auth: {
      jwtSecret: env.JWT_SECRET,
      accessTokenTtlSeconds: env.ACCESS_TOKEN_EXPIRE_MINUTES * 60,
      refreshTokenTtlSeconds: env.REFRESH_TOKEN_EXPIRE_DAYS * 86400,
      bootstrapAdminEmail: env.ADMIN_EMAIL,
    },
    rateLimit: {
      enabled: env.RATE_LIMIT_ENABLED,
      max: env.RATE_LIMIT_MAX,
      windowSeconds: env.RATE_LIMIT_WINDOW_SECONDS,
      authMax: env.RATE_LIMIT_AUTH_MAX,
    },
    metrics: {
      apiPort: env.API_METRICS_PORT,
      workerPort: env.WORKER_METRICS_PORT,
      queueDashboardWrite: env.QUEUE_DASHBOARD_WRITE,
    },
    thumbnails: {
      concurrency: env.THUMBNAIL_CONCURRENCY,
      attempts: env.THUMBNAIL_ATTEMPTS,
      backoffMs: env.THUMBNAIL_BACKOFF_MS,
      timeoutSeconds: env.THUMBNAIL_TIMEOUT_SECONDS,
      lockDurationMs: env.THUMBNAIL_LOCK_DURATION_MS,
      stalledIntervalMs: env.THUMBNAIL_STALLED_INTERVAL_MS,
    },
    cleanup: {
      schedule: env.CLEANUP_SCHEDULE.trim(),
      orphanGraceMinutes: env.ORPHAN_GRACE_MINUTES,
      timeoutSeconds: env.CLEANUP_TIMEOUT_SECONDS,
      reconcileSeconds: env.SCHEDULER_RECONCILE_SECONDS,
    },
    jobRuns: { retentionDays: env.JOB_RUN_RETENTION_DAYS },
    search: {
      maxPages: env.TEXT_MAX_PAGES,
      maxCharacters: env.TEXT_MAX_CHARACTERS,
      extractionAttempts: env.TEXT_EXTRACTION_ATTEMPTS,
      extractionTimeoutSeconds: env.TEXT_EXTRACTION_TIMEOUT_SECONDS,
      backfillSchedule: env.TEXT_BACKFILL_SCHEDULE.trim(),
      backfillBatch: env.TEXT_BACKFILL_BATCH,
    },
    shutdownTimeoutSeconds: env.SHUTDOWN_TIMEOUT_SECONDS,
    resumableUploads: {
      maxUnfinishedPerUser: env.RESUMABLE_MAX_UNFINISHED_PER_USER,
      expirationMs: Math.round(env.RESUMABLE_EXPIRATION_HOURS * 3_600_000),
    },
    workerQueues: parseList(env.WORKER_QUEUES),
    media: {
      concurrency: env.MEDIA_CONCURRENCY,
      attempts: env.MEDIA_ATTEMPTS,
      niceness: env.MEDIA_NICENESS,
      conversionTimeoutSeconds: env.CONVERSION_TIMEOUT_SECONDS,
      transcodeTimeoutSeconds: env.TRANSCODE_TIMEOUT_SECONDS,
      transcode: { crf: env.TRANSCODE_CRF, preset: env.TRANSCODE_PRESET, maxShortSide: env.TRANSCODE_MAX_HEIGHT },
      zipLimits: {
        maxEntries: env.OFFICE_MAX_ZIP_ENTRIES,
        maxUncompressedBytes: env.OFFICE_MAX_UNCOMPRESSED_MB * 1024 * 1024,
      },
      previewMaxPages: env.PAGE_PREVIEW_MAX_PAGES,
      storyboardMaxTiles: env.STORYBOARD_MAX_TILES,
    },
  };
}
