import type { CleanupOutcome } from "@learning-hub/queue";
import { type Static, type TSchema, Type } from "@sinclair/typebox";
import { Timestamp, toTimestamp } from "./common";
import { QueueNameSchema } from "./enums";

/** `POST /admin/cleanup` body; every field is optional and has the contract's default. */
export const CleanupRequest = Type.Object(
  {
    cleanup_processing: Type.Boolean({ default: true, description: "Remove uploads stuck in `processing`" }),
    cleanup_orphans: Type.Boolean({ default: true, description: "Remove objects no material references" }),
    max_age_minutes: Type.Integer({
      minimum: 1,
      maximum: 1440,
      default: 30,
      description: "Age after which a `processing` upload counts as abandoned",
    }),
    dry_run: Type.Boolean({
      default: false,
      description: "List what would be removed (`would_clean`) and remove nothing",
    }),
  },
  { additionalProperties: false },
);
export type CleanupRequest = Static<typeof CleanupRequest>;

export const CleanupResponse = Type.Object(
  {
    success: Type.Literal(true),
    cleaned_records: Type.Integer({ minimum: 0, examples: [3] }),
    cleaned_files: Type.Integer({ minimum: 0, examples: [5] }),
    duration_seconds: Type.Number({ minimum: 0, examples: [2.5] }),
    errors: Type.Array(Type.String(), { description: "Objects that could not be removed, one message each" }),
    would_clean: Type.Optional(
      Type.Object(
        {
          records: Type.Object({ ids: Type.Array(Type.Integer()), total: Type.Integer({ minimum: 0 }) }),
          files: Type.Object({ keys: Type.Array(Type.String()), total: Type.Integer({ minimum: 0 }) }),
        },
        { description: "Dry runs only: the first 1,000 record ids and file keys a run would remove, and the counts" },
      ),
    ),
  },
  { $id: "CleanupResult" },
);
export type CleanupResponse = Static<typeof CleanupResponse>;

export const toCleanupResponse = (outcome: CleanupOutcome): CleanupResponse => ({
  success: true,
  cleaned_records: outcome.cleanedRecords,
  cleaned_files: outcome.cleanedFiles,
  duration_seconds: outcome.durationSeconds,
  errors: outcome.errors,
  ...(outcome.wouldClean ? { would_clean: outcome.wouldClean } : {}),
});

const RUN_OUTCOMES = ["running", "completed", "failed", "retrying", "interrupted"] as const;
export const RunOutcomeSchema = Type.Unsafe<(typeof RUN_OUTCOMES)[number]>({ type: "string", enum: [...RUN_OUTCOMES] });

/** The latest run of a scheduled job (or null if it never ran). */
export const LastRun = Type.Union([
  Type.Object({
    id: Type.String({ format: "uuid" }),
    started_at: Timestamp,
    finished_at: Type.Union([Timestamp, Type.Null()]),
    outcome: RunOutcomeSchema,
    summary: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
    error: Type.Union([Type.String(), Type.Null()]),
  }),
  Type.Null(),
]);
export type LastRun = Static<typeof LastRun>;

export const ScheduledJobStatus = Type.Object(
  {
    id: Type.String({ examples: ["cleanup_job"] }),
    name: Type.String({ examples: ["cleanup_stale_records"] }),
    next_run_time: Type.Union([Timestamp, Type.Null()], { description: "`null` while paused" }),
    cron: Type.String({ examples: ["0 * * * *"], description: "Cron in force, read in UTC" }),
    paused: Type.Boolean(),
    last_run: LastRun,
  },
  { $id: "ScheduledJobStatus" },
);

export const SchedulerStatus = Type.Object(
  {
    running: Type.Boolean({ description: "Whether at least one worker consumes the queue the scheduled jobs run on" }),
    jobs: Type.Array(Type.Ref(ScheduledJobStatus)),
  },
  { $id: "SchedulerStatus" },
);
export type SchedulerStatus = Static<typeof SchedulerStatus>;

export const JobIdParams = Type.Object({
  job_id: Type.String({ minLength: 1, maxLength: 100, examples: ["cleanup_job"] }),
});

/** The answer of pause and resume. */
export const JobActionResult = Type.Object(
  {
    success: Type.Literal(true),
    message: Type.String({ examples: ["Job cleanup_job paused successfully"] }),
    job_id: Type.String({ examples: ["cleanup_job"] }),
  },
  { $id: "JobActionResult" },
);
export type JobActionResult = Static<typeof JobActionResult>;

export const toNextRunTime = (next: Date | null): string | null => (next ? toTimestamp(next) : null);

export const FailedJobsQuery = Type.Object({
  queue: QueueNameSchema,
  // Bounded so that (page - 1) * page_size stays a small integer for Redis's range offsets.
  page: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 }),
  page_size: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
});
export type FailedJobsQuery = Static<typeof FailedJobsQuery>;

export const FailedJob = Type.Object(
  {
    id: Type.String({ examples: ["thumbnail-42"] }),
    queue: QueueNameSchema,
    name: Type.String({ examples: ["generate_thumbnail"] }),
    data: Type.Record(Type.String(), Type.Unknown(), { examples: [{ materialId: 42 }] }),
    failed_reason: Type.String({ examples: ["ffmpeg wrote no frame"] }),
    attempts_made: Type.Integer({ minimum: 0, examples: [3] }),
    failed_at: Type.Union([Timestamp, Type.Null()]),
  },
  { $id: "FailedJob" },
);
export type FailedJob = Static<typeof FailedJob>;

export const FailedJobPage = Type.Object(
  {
    items: Type.Array(Type.Ref(FailedJob)),
    total: Type.Integer({ minimum: 0, examples: [1] }),
    page: Type.Integer({ examples: [1] }),
    page_size: Type.Integer({ examples: [20] }),
  },
  { $id: "FailedJobPage" },
);
export type FailedJobPage = Static<typeof FailedJobPage>;

export const QueueJobParams = Type.Object({
  queue: QueueNameSchema,
  job_id: Type.String({ minLength: 1, maxLength: 200, examples: ["thumbnail-42"] }),
});

// --- Admins in control of background jobs: schedules, run history, audit, queues ---

/** One attempt of one job, as the worker recorded it. */
export const JobRun = Type.Object({
  id: Type.String({ format: "uuid" }),
  queue: Type.String({ examples: ["thumbnails"] }),
  name: Type.String({ examples: ["generate_thumbnail"] }),
  job_id: Type.String({ description: "BullMQ's job id; a run started by `POST .../run` has its `run_id`" }),
  scheduler_id: Type.Union([Type.String(), Type.Null()], { description: "The scheduled job it belongs to" }),
  material_id: Type.Union([Type.Integer(), Type.Null()]),
  attempt: Type.Integer({ minimum: 1 }),
  started_at: Timestamp,
  finished_at: Type.Union([Timestamp, Type.Null()]),
  duration_ms: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
  outcome: RunOutcomeSchema,
  error: Type.Union([Type.String(), Type.Null()]),
  summary: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()], {
    description: "What the job did: cleanup counts, thumbnail kind and output size…",
  }),
});
export type JobRun = Static<typeof JobRun>;

const pageOf = <T extends TSchema>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    total: Type.Integer({ minimum: 0 }),
    page: Type.Integer(),
    page_size: Type.Integer(),
    total_pages: Type.Integer(),
  });

export const JobRunPage = pageOf(JobRun);
export type JobRunPage = Static<typeof JobRunPage>;

const Paging = {
  page: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 }),
  page_size: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
};

export const JobRunsQuery = Type.Object({
  queue: Type.Optional(QueueNameSchema),
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  outcome: Type.Optional(RunOutcomeSchema),
  material_id: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })),
  ...Paging,
});
export type JobRunsQuery = Static<typeof JobRunsQuery>;

export const ScheduleRunsQuery = Type.Object({ outcome: Type.Optional(RunOutcomeSchema), ...Paging });
export type ScheduleRunsQuery = Static<typeof ScheduleRunsQuery>;

export const ScheduleEditRequest = Type.Object(
  {
    cron: Type.String({
      minLength: 1,
      maxLength: 200,
      examples: ["*/15 * * * *"],
      description: "Cron, read in UTC: 5 fields, or 6 with seconds first; at most once a minute",
    }),
  },
  { additionalProperties: false },
);
export type ScheduleEditRequest = Static<typeof ScheduleEditRequest>;

export const ScheduledJob = Type.Object({
  id: Type.String({ examples: ["cleanup_job"] }),
  name: Type.String({ examples: ["cleanup_stale_records"] }),
  cron: Type.String({ examples: ["*/15 * * * *"] }),
  paused: Type.Boolean(),
  next_runs: Type.Array(Timestamp, { description: "The next five run times of `cron` (UTC), whether paused or not" }),
  last_run: LastRun,
});
export type ScheduledJob = Static<typeof ScheduledJob>;

export const RunAccepted = Type.Object({
  run_id: Type.String({ description: "The job id of the run; its history rows carry it as `job_id`" }),
});
export type RunAccepted = Static<typeof RunAccepted>;

const AUDIT_SOURCES = ["api", "cli"] as const;

export const AuditEntry = Type.Object({
  id: Type.Integer(),
  actor_id: Type.Union([Type.Integer(), Type.Null()], { description: "The admin's user id; null from the CLI" }),
  actor_source: Type.Unsafe<(typeof AUDIT_SOURCES)[number]>({ type: "string", enum: [...AUDIT_SOURCES] }),
  action: Type.String({ examples: ["scheduler.edit"] }),
  target_type: Type.String({ examples: ["scheduled_job"] }),
  target_id: Type.String({ examples: ["cleanup_job"] }),
  before: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  after: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  request_id: Type.Union([Type.String(), Type.Null()]),
  created_at: Timestamp,
});
export type AuditEntry = Static<typeof AuditEntry>;

export const AuditPage = pageOf(AuditEntry);
export type AuditPage = Static<typeof AuditPage>;
export const AuditQuery = Type.Object(Paging);
export type AuditQuery = Static<typeof AuditQuery>;

export const QueueCounts = Type.Object({
  waiting: Type.Integer(),
  active: Type.Integer(),
  delayed: Type.Integer(),
  prioritized: Type.Integer(),
  paused: Type.Integer(),
  failed: Type.Integer(),
  completed: Type.Integer(),
});

export const QueueStatus = Type.Object({
  name: QueueNameSchema,
  counts: QueueCounts,
  paused: Type.Boolean({ description: "As admins set it (PostgreSQL); workers apply it within seconds" }),
  concurrency: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], {
    description: "Jobs of the queue running at once across all workers (BullMQ global concurrency); null: no limit",
  }),
  workers: Type.Integer({ minimum: 0, description: "Worker connections consuming the queue" }),
});
export type QueueStatus = Static<typeof QueueStatus>;

export const QueueList = Type.Object({ queues: Type.Array(QueueStatus) });
export type QueueList = Static<typeof QueueList>;

export const QueueParams = Type.Object({ queue: QueueNameSchema });

export const QueuePatch = Type.Object(
  {
    paused: Type.Optional(Type.Boolean()),
    concurrency: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 1000 }), Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type QueuePatch = Static<typeof QueuePatch>;

/** Shared shapes, registered once on the root instance so every route can `Type.Ref` them. */
export const adminSchemas = [
  JobActionResult,
  CleanupResponse,
  ScheduledJobStatus,
  SchedulerStatus,
  FailedJob,
  FailedJobPage,
];
