import { type Static, Type } from "@sinclair/typebox";

/** Environment variables the services read, as strings; converted and checked in `loadConfig`. */
export const EnvSchema = Type.Object({
  NODE_ENV: Type.Union([Type.Literal("development"), Type.Literal("production"), Type.Literal("test")], {
    default: "development",
  }),
  HOST: Type.String({ default: "0.0.0.0" }),
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 8000 }),
  /**
   * Longest a request may take to be answered before it gets 503 (a dependency that hangs without an error);
   * uploads are bounded by their body's arrival instead.
   */
  HANDLER_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 30_000 }),
  LOG_LEVEL: Type.Union(
    ["fatal", "error", "warn", "info", "debug", "trace", "silent"].map((l) => Type.Literal(l)),
    { default: "info" },
  ),
  DATABASE_URL: Type.String({ pattern: "^postgres(ql)?://" }),
  DATABASE_POOL_MAX: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
  /** PostgreSQL's `statement_timeout` on the API's connections: a slow statement fails instead of holding a request. */
  DATABASE_STATEMENT_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 10_000 }),
  REDIS_URL: Type.String({ pattern: "^rediss?://" }),
  /** Prefix for every Redis key the services own (BullMQ queues included). */
  REDIS_PREFIX: Type.String({ minLength: 1, pattern: "^[A-Za-z0-9_:-]+$", default: "lh" }),
  /** A command of the API's Redis connection that gets no answer in this time fails (a frozen Redis). */
  REDIS_COMMAND_TIMEOUT_MS: Type.Integer({ minimum: 50, default: 2_000 }),
  S3_ENDPOINT: Type.String({ pattern: "^https?://" }),
  S3_REGION: Type.String({ default: "us-east-1" }),
  S3_ACCESS_KEY: Type.String({ minLength: 1, default: "S3RVER" }),
  S3_SECRET_KEY: Type.String({ minLength: 1, default: "S3RVER" }),
  S3_BUCKET: Type.String({ minLength: 3, maxLength: 63, default: "materials" }),
  STORAGE_PUBLIC_URL: Type.String({ pattern: "^https?://", default: "http://localhost:9000/materials" }),
  /** A storage request fails when no byte moves either way for this long (a frozen or unreachable store). */
  STORAGE_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 10_000 }),
  JWT_SECRET: Type.String({ minLength: 16, default: "dev-only-insecure-jwt-secret-change-me" }),
  ACCESS_TOKEN_EXPIRE_MINUTES: Type.Integer({ minimum: 1, maximum: 1440, default: 30 }),
  REFRESH_TOKEN_EXPIRE_DAYS: Type.Integer({ minimum: 1, maximum: 365, default: 7 }),
  /** Account the API makes an admin at start-up, once registered: the first admin of an install. */
  ADMIN_EMAIL: Type.Optional(Type.String({ pattern: "^[^\\s@]+@[^\\s@]+$" })),
  /** Comma-separated origins, or `*`. */
  CORS_ORIGINS: Type.String({ default: "*" }),
  /**
   * Which peers may set `X-Forwarded-For`: empty (no proxy: the socket address is the client), a hop count
   * (`1`: one proxy in front), or comma-separated addresses/CIDRs of trusted proxies (also `loopback`,
   * `linklocal`, `uniquelocal`).
   */
  TRUST_PROXY: Type.String({ default: "" }),
  /** Serve the interactive API docs at `/docs`; unset means on, except in production. */
  DOCS_ENABLED: Type.Optional(Type.Boolean()),
  RATE_LIMIT_ENABLED: Type.Boolean({ default: false }),
  RATE_LIMIT_MAX: Type.Integer({ minimum: 1, default: 100 }),
  RATE_LIMIT_WINDOW_SECONDS: Type.Integer({ minimum: 1, default: 60 }),
  RATE_LIMIT_AUTH_MAX: Type.Integer({ minimum: 1, default: 10 }),
  /** Port of the Prometheus endpoint; 0 serves `/metrics` nowhere. */
  API_METRICS_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 9464 }),
  WORKER_METRICS_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 9465 }),
  /** Lets the queue dashboard on the API's metrics port change jobs and queues; read-only otherwise. */
  QUEUE_DASHBOARD_WRITE: Type.Boolean({ default: false }),
  THUMBNAIL_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 64, default: 2 }),
  THUMBNAIL_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 20, default: 3 }),
  THUMBNAIL_BACKOFF_MS: Type.Integer({ minimum: 0, default: 5000 }),
  THUMBNAIL_TIMEOUT_SECONDS: Type.Integer({ minimum: 1, default: 300 }),
  /**
   * Stalled-job recovery of the thumbnail queue: a job's lock lives this long (renewed at half of it while
   * the worker's event loop is free), and locks are checked this often, so a killed worker's job is taken
   * over within about the sum of the two.
   */
  THUMBNAIL_LOCK_DURATION_MS: Type.Integer({ minimum: 1000, default: 20_000 }),
  THUMBNAIL_STALLED_INTERVAL_MS: Type.Integer({ minimum: 500, default: 10_000 }),
  /** Cron pattern of the repeatable cleanup job, read in UTC (5 fields, or 6 with seconds first). */
  CLEANUP_SCHEDULE: Type.String({ minLength: 1, default: "0 * * * *" }),
  ORPHAN_GRACE_MINUTES: Type.Integer({ minimum: 0, default: 60 }),
  CLEANUP_TIMEOUT_SECONDS: Type.Integer({ minimum: 1, default: 120 }),
  /** How often each worker re-applies the scheduler state from PostgreSQL to Redis (heals a flushed Redis). */
  SCHEDULER_RECONCILE_SECONDS: Type.Integer({ minimum: 1, maximum: 3600, default: 30 }),
  /** Runs older than this are deleted from the run history by the `prune_job_runs` schedule. */
  JOB_RUN_RETENTION_DAYS: Type.Integer({ minimum: 1, maximum: 3650, default: 30 }),
  SHUTDOWN_TIMEOUT_SECONDS: Type.Integer({ minimum: 1, default: 10 }),
  // --- issue 15: media conversion ---
  /** Comma-separated queues this worker process consumes (`thumbnails`, `maintenance`, `media`); empty: all. */
  WORKER_QUEUES: Type.String({ pattern: "^[a-z, ]*$", default: "" }),
  /** Conversions/transcodes at once per worker process; each LibreOffice or ffmpeg takes a CPU or more. */
  MEDIA_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 16, default: 1 }),
  MEDIA_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 10, default: 2 }),
  /** `nice` level of LibreOffice and ffmpeg in media jobs, so thumbnails on the same machine go first. */
  MEDIA_NICENESS: Type.Integer({ minimum: 0, maximum: 19, default: 10 }),
  CONVERSION_TIMEOUT_SECONDS: Type.Integer({ minimum: 5, default: 300 }),
  TRANSCODE_TIMEOUT_SECONDS: Type.Integer({ minimum: 5, default: 7200 }),
  TRANSCODE_CRF: Type.Integer({ minimum: 0, maximum: 51, default: 23 }),
  TRANSCODE_PRESET: Type.Union(
    ["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow"].map((p) => Type.Literal(p)),
    { default: "veryfast" },
  ),
  /** Transcodes are scaled down so their shorter side is at most this (1080 = "1080p"). */
  TRANSCODE_MAX_HEIGHT: Type.Integer({ minimum: 144, maximum: 4320, default: 1080 }),
  /** Zip packages (docx, pptx, odt, odp) above either limit are refused as zip bombs before LibreOffice runs. */
  OFFICE_MAX_ZIP_ENTRIES: Type.Integer({ minimum: 10, default: 10_000 }),
  OFFICE_MAX_UNCOMPRESSED_MB: Type.Integer({ minimum: 1, default: 512 }),
  PAGE_PREVIEW_MAX_PAGES: Type.Integer({ minimum: 0, maximum: 5000, default: 300 }),
  STORYBOARD_MAX_TILES: Type.Integer({ minimum: 10, maximum: 2000, default: 300 }),
  // --- end issue 15 ---
  // --- search (issue 13) ---
  /** PDF text extraction stops after this many pages, and after this many characters per material. */
  TEXT_MAX_PAGES: Type.Integer({ minimum: 1, default: 2000 }),
  TEXT_MAX_CHARACTERS: Type.Integer({ minimum: 1, default: 2_000_000 }),
  TEXT_EXTRACTION_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 20, default: 3 }),
  TEXT_EXTRACTION_TIMEOUT_SECONDS: Type.Integer({ minimum: 1, default: 120 }),
  /** Cron pattern (UTC) of the backfill that indexes materials uploaded before search existed. */
  TEXT_BACKFILL_SCHEDULE: Type.String({ minLength: 1, default: "*/15 * * * *" }),
  /** Materials the backfill takes per run; the next run goes on with what is left. */
  TEXT_BACKFILL_BATCH: Type.Integer({ minimum: 1, maximum: 100_000, default: 1000 }),
  // --- end search ---
  // Resumable (tus) uploads
  /** Unfinished resumable uploads one user may have at once. */
  RESUMABLE_MAX_UNFINISHED_PER_USER: Type.Integer({ minimum: 1, maximum: 100, default: 5 }),
  /** An unfinished resumable upload is removed (parts, row) this long after its creation. */
  RESUMABLE_EXPIRATION_HOURS: Type.Number({ exclusiveMinimum: 0, maximum: 720, default: 24 }),
});

export type Env = Static<typeof EnvSchema>;
