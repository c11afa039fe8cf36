import type { Config } from "@learning-hub/config";

/** The environment variables that make `loadConfig` in a child process return `config`. */
export function configEnvironment(config: Config): Record<string, string> {
  return {
    NODE_ENV: config.env,
    LOG_LEVEL: "info",
    DATABASE_URL: config.database.url,
    DATABASE_POOL_MAX: String(config.database.poolMax),
    REDIS_URL: config.redis.url,
    REDIS_PREFIX: config.redis.prefix,
    S3_ENDPOINT: config.storage.endpoint,
    S3_REGION: config.storage.region,
    S3_ACCESS_KEY: config.storage.accessKey,
    S3_SECRET_KEY: config.storage.secretKey,
    S3_BUCKET: config.storage.bucket,
    STORAGE_PUBLIC_URL: config.storage.publicUrl,
    JWT_SECRET: config.auth.jwtSecret,
    API_METRICS_PORT: String(config.metrics.apiPort),
    WORKER_METRICS_PORT: String(config.metrics.workerPort),
    THUMBNAIL_CONCURRENCY: String(config.thumbnails.concurrency),
    THUMBNAIL_ATTEMPTS: String(config.thumbnails.attempts),
    THUMBNAIL_BACKOFF_MS: String(config.thumbnails.backoffMs),
    THUMBNAIL_TIMEOUT_SECONDS: String(config.thumbnails.timeoutSeconds),
    THUMBNAIL_LOCK_DURATION_MS: String(config.thumbnails.lockDurationMs),
    THUMBNAIL_STALLED_INTERVAL_MS: String(config.thumbnails.stalledIntervalMs),
    ...(config.thumbnails.cjkFontPath === undefined ? {} : { CJK_FONT_PATH: config.thumbnails.cjkFontPath }),
  };
}
