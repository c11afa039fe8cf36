import type { CleanupOutcome } from "@learning-hub/queue";
import { type Static, Type } from "@sinclair/typebox";
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
  },
  { additionalProperties: false },
);
export type CleanupRequest = Static<typeof CleanupRequest>;

export const CleanupResponse = Type.Object({
  success: Type.Literal(true),
  cleaned_records: Type.Integer({ minimum: 0 }),
  cleaned_files: Type.Integer({ minimum: 0 }),
  duration_seconds: Type.Number({ minimum: 0, examples: [2.5] }),
  errors: Type.Array(Type.String(), { description: "Objects that could not be removed, one message each" }),
});
export type CleanupResponse = Static<typeof CleanupResponse>;

export const toCleanupResponse = (outcome: CleanupOutcome): CleanupResponse => ({
  success: true,
  cleaned_records: outcome.cleanedRecords,
  cleaned_files: outcome.cleanedFiles,
  duration_seconds: outcome.durationSeconds,
  errors: outcome.errors,
});

export const SchedulerStatus = Type.Object({
  running: Type.Boolean({ description: "Whether at least one worker consumes the queue the scheduled jobs run on" }),
  jobs: Type.Array(
    Type.Object({
      id: Type.String({ examples: ["cleanup_job"] }),
      name: Type.String({ examples: ["cleanup_stale_records"] }),
      next_run_time: Type.Union([Timestamp, Type.Null()], { description: "`null` while paused" }),
    }),
  ),
});
export type SchedulerStatus = Static<typeof SchedulerStatus>;

export const JobIdParams = Type.Object({ job_id: Type.String({ minLength: 1, maxLength: 100 }) });

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
export const JobActionResultRef = Type.Ref(JobActionResult);

export const toNextRunTime = (next: Date | null): string | null => (next ? toTimestamp(next) : null);

export const FailedJobsQuery = Type.Object({
  queue: QueueNameSchema,
  page: Type.Integer({ minimum: 1, default: 1 }),
  page_size: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
});
export type FailedJobsQuery = Static<typeof FailedJobsQuery>;

export const FailedJob = Type.Object({
  id: Type.String({ examples: ["thumbnail-42"] }),
  queue: QueueNameSchema,
  name: Type.String({ examples: ["generate_thumbnail"] }),
  data: Type.Record(Type.String(), Type.Unknown()),
  failed_reason: Type.String(),
  attempts_made: Type.Integer({ minimum: 0 }),
  failed_at: Type.Union([Timestamp, Type.Null()]),
});
export type FailedJob = Static<typeof FailedJob>;

export const FailedJobPage = Type.Object({
  items: Type.Array(FailedJob),
  total: Type.Integer({ minimum: 0 }),
  page: Type.Integer(),
  page_size: Type.Integer(),
});
export type FailedJobPage = Static<typeof FailedJobPage>;

export const QueueJobParams = Type.Object({
  queue: QueueNameSchema,
  job_id: Type.String({ minLength: 1, maxLength: 200 }),
});
