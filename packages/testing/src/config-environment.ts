import type { Config } from "@learning-hub/config";

/** The environment variables that make `loadConfig` in a child process return `config`. */
export function configEnvironment(config: Config): Record<string, string> {
  return {
    NODE_ENV: config.env,
    LOG_LEVEL: "info",
    DATABASE_URL: config.database.url,
    DATABASE_POOL_MAX: String(config.database.poolMax),
    DATABASE_STATEMENT_TIMEOUT_MS: String(config.database.statementTimeoutMs),
    REDIS_URL: config.redis.url,
    REDIS_PREFIX: config.redis.prefix,
    REDIS_COMMAND_TIMEOUT_MS: String(config.redis.commandTimeoutMs),
    S3_ENDPOINT: config.storage.endpoint,
    S3_REGION: config.storage.region,
    S3_ACCESS_KEY: config.storage.accessKey,
    S3_SECRET_KEY: config.storage.secretKey,
    S3_BUCKET: config.storage.bucket,
    STORAGE_PUBLIC_URL: config.storage.publicUrl,
    STORAGE_TIMEOUT_MS: String(config.storage.timeoutMs),
    TRUST_PROXY: trustProxyValue(config.http.trustProxy),
    DOCS_ENABLED: String(config.http.docsEnabled),
    HANDLER_TIMEOUT_MS: String(config.http.handlerTimeoutMs),
    JWT_SECRET: config.auth.jwtSecret,
    API_METRICS_PORT: String(config.metrics.apiPort),
    WORKER_METRICS_PORT: String(config.metrics.workerPort),
    THUMBNAIL_CONCURRENCY: String(config.thumbnails.concurrency),
    THUMBNAIL_ATTEMPTS: String(config.thumbnails.attempts),
    THUMBNAIL_BACKOFF_MS: String(config.thumbnails.backoffMs),
    THUMBNAIL_TIMEOUT_SECONDS: String(config.thumbnails.timeoutSeconds),
    THUMBNAIL_LOCK_DURATION_MS: String(config.thumbnails.lockDurationMs),
    THUMBNAIL_STALLED_INTERVAL_MS: String(config.thumbnails.stalledIntervalMs),
    RESUMABLE_MAX_UNFINISHED_PER_USER: String(config.resumableUploads.maxUnfinishedPerUser),
    RESUMABLE_EXPIRATION_HOURS: String(config.resumableUploads.expirationMs / 3_600_000),
  };
}

function trustProxyValue(trustProxy: Config["http"]["trustProxy"]): string {
  if (trustProxy === false) return "";
  return Array.isArray(trustProxy) ? trustProxy.join(",") : String(trustProxy);
}
