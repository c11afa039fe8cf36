import { type Static, type TSchema, Type } from "@sinclair/typebox";

/** Queue names, shared by the API (producer) and the worker (consumer). */
export const QueueName = {
  thumbnails: "thumbnails",
  maintenance: "maintenance",
  /** Heavy, nice'd work (document conversion, transcodes, storyboards): thumbnails never wait behind it. */
  media: "media",
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export const ThumbnailJobData = Type.Object(
  { materialId: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
);

/** What a thumbnail job did: its outcome and, when it stored one, the thumbnail's source kind and size. */
export const ThumbnailResult = Type.Object({
  outcome: Type.Union([Type.Literal("completed"), Type.Literal("already-completed"), Type.Literal("material-gone")]),
  type: Type.Union([Type.Literal("video"), Type.Literal("pdf"), Type.Null()]),
  outputBytes: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
});

/** Issue 15: the media jobs name one material. */
export const MediaJobData = Type.Object({ materialId: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });
/** What preparing a material did (the file it made, or why it did nothing). */
export const MediaPreparationResult = Type.Object({
  outcome: Type.Union(
    ["converted", "transcoded", "remuxed", "already-prepared", "material-gone"].map((outcome) => Type.Literal(outcome)),
  ),
});
export const StoryboardResult = Type.Object({
  outcome: Type.Union(["completed", "not-a-video", "material-gone"].map((outcome) => Type.Literal(outcome))),
});

export const CleanupJobData = Type.Object(
  {
    cleanupProcessing: Type.Boolean(),
    cleanupOrphans: Type.Boolean(),
    maxAgeMinutes: Type.Integer({ minimum: 1, maximum: 1440 }),
    /** List what would be removed, remove nothing. */
    dryRun: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** What a dry run would remove: the first 1,000 record ids and file keys, and how many in all. */
export const WouldClean = Type.Object({
  records: Type.Object({ ids: Type.Array(Type.Integer()), total: Type.Integer({ minimum: 0 }) }),
  files: Type.Object({ keys: Type.Array(Type.String()), total: Type.Integer({ minimum: 0 }) }),
});

export const CleanupResult = Type.Object({
  cleanedRecords: Type.Integer({ minimum: 0 }),
  cleanedFiles: Type.Integer({ minimum: 0 }),
  durationSeconds: Type.Number({ minimum: 0 }),
  errors: Type.Array(Type.String()),
  /** Set by a dry run, which cleans nothing. */
  wouldClean: Type.Optional(WouldClean),
});

export const SweepJobData = Type.Object({}, { additionalProperties: false });

// --- search (issue 13) ---
export const TextExtractionJobData = Type.Object(
  { materialId: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
);
export const TextExtractionResult = Type.Object({
  outcome: Type.Union(
    ["completed", "no_text", "already-indexed", "not-a-pdf", "material-gone"].map((outcome) => Type.Literal(outcome)),
  ),
});
export const TextBackfillResult = Type.Object({
  indexed: Type.Integer({ minimum: 0 }),
  enqueued: Type.Integer({ minimum: 0 }),
});
// --- end search ---
/** Thumbnail jobs and (issue 15) lost `prepare_media` jobs the sweep enqueued again. */
export const SweepResult = Type.Object({
  enqueued: Type.Integer({ minimum: 0 }),
  preparationsEnqueued: Type.Integer({ minimum: 0 }),
});

/** The pruning jobs take no parameters: what they keep comes from config. */
export const PruneJobData = Type.Object({}, { additionalProperties: false });
export const PruneSessionsResult = Type.Object({ deletedSessions: Type.Integer({ minimum: 0 }) });
export const PruneRunsResult = Type.Object({ deletedRuns: Type.Integer({ minimum: 0 }) });

interface JobContract {
  queue: QueueName;
  data: TSchema;
  result: TSchema;
}

/**
 * Every job the system runs: its queue, payload and result. The job table
 * (`jobSettings`) and the worker's handlers are keyed by these names, so a job
 * added here cannot compile without its settings and a handler.
 */
export const JobContracts = {
  generate_thumbnail: { queue: QueueName.thumbnails, data: ThumbnailJobData, result: ThumbnailResult },
  /** Manual cleanup from `POST /admin/cleanup`. */
  cleanup: { queue: QueueName.maintenance, data: CleanupJobData, result: CleanupResult },
  /** The repeatable cleanup, created by the `cleanup_job` schedule (see `SCHEDULES`). */
  cleanup_stale_records: { queue: QueueName.maintenance, data: CleanupJobData, result: CleanupResult },
  /**
   * Re-enqueues thumbnails stuck in `pending` and conversions left without a `prepare_media` job (e.g. Redis was
   * down at upload time).
   */
  sweep_pending_thumbnails: { queue: QueueName.maintenance, data: SweepJobData, result: SweepResult },
  /** Deletes auth sessions past their refresh expiry. */
  prune_expired_sessions: { queue: QueueName.maintenance, data: PruneJobData, result: PruneSessionsResult },
  /** Deletes run history older than `JOB_RUN_RETENTION_DAYS`. */
  prune_job_runs: { queue: QueueName.maintenance, data: PruneJobData, result: PruneRunsResult },
  // --- issue 15 ---
  /** Converts an office document to PDF, or remuxes/transcodes a video, then activates the material. */
  prepare_media: { queue: QueueName.media, data: MediaJobData, result: MediaPreparationResult },
  /** Sprite sheets and WebVTT thumbnails track of an active video. */
  render_storyboard: { queue: QueueName.media, data: MediaJobData, result: StoryboardResult },
  // --- end issue 15 ---
  /** Extracts and indexes a PDF's page text; on the media (thumbnails) queue, enqueued beside the thumbnail. */
  extract_text: { queue: QueueName.thumbnails, data: TextExtractionJobData, result: TextExtractionResult },
  /** Indexes materials that predate search (the `text_backfill` schedule). */
  backfill_text_index: { queue: QueueName.maintenance, data: SweepJobData, result: TextBackfillResult },
} as const satisfies Record<string, JobContract>;

export type JobName = keyof typeof JobContracts;
export type JobData<N extends JobName> = Static<(typeof JobContracts)[N]["data"]>;
export type JobResult<N extends JobName> = Static<(typeof JobContracts)[N]["result"]>;
export type CleanupParams = Static<typeof CleanupJobData>;
export type CleanupOutcome = Static<typeof CleanupResult>;
export type ThumbnailOutcome = Static<typeof ThumbnailResult>;

/** BullMQ priorities: lower runs first. Fresh uploads go ahead of re-runs and backfills; `none` is FIFO. */
export const Priority = { none: 0, upload: 1, backfill: 10 } as const;

/** Deterministic id so one material never has two thumbnail jobs queued at once. */
export const thumbnailJobId = (materialId: number): string => `thumbnail-${materialId}`;
export const prepareMediaJobId = (materialId: number): string => `prepare-media-${materialId}`;
export const storyboardJobId = (materialId: number): string => `storyboard-${materialId}`;

/** Deterministic id so one material never has two text extraction jobs queued at once. */
export const textExtractionJobId = (materialId: number): string => `text-${materialId}`;
