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

/** Issue 15: the media jobs name one material. */
export const MediaJobData = Type.Object({ materialId: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });

export const CleanupJobData = Type.Object(
  {
    cleanupProcessing: Type.Boolean(),
    cleanupOrphans: Type.Boolean(),
    maxAgeMinutes: Type.Integer({ minimum: 1, maximum: 1440 }),
  },
  { additionalProperties: false },
);

export const CleanupResult = Type.Object({
  cleanedRecords: Type.Integer({ minimum: 0 }),
  cleanedFiles: Type.Integer({ minimum: 0 }),
  durationSeconds: Type.Number({ minimum: 0 }),
  errors: Type.Array(Type.String()),
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
export const SweepResult = Type.Object({ enqueued: Type.Integer({ minimum: 0 }) });

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
  generate_thumbnail: { queue: QueueName.thumbnails, data: ThumbnailJobData, result: Type.Null() },
  /** Manual cleanup from `POST /admin/cleanup`. */
  cleanup: { queue: QueueName.maintenance, data: CleanupJobData, result: CleanupResult },
  /** The repeatable cleanup, created by the `cleanup_job` schedule (see `SCHEDULES`). */
  cleanup_stale_records: { queue: QueueName.maintenance, data: CleanupJobData, result: CleanupResult },
  /** Re-enqueues thumbnails stuck in `pending` (e.g. Redis was down at upload time). */
  sweep_pending_thumbnails: { queue: QueueName.maintenance, data: SweepJobData, result: SweepResult },
  // --- issue 15 ---
  /** Converts an office document to PDF, or remuxes/transcodes a video, then activates the material. */
  prepare_media: { queue: QueueName.media, data: MediaJobData, result: Type.Null() },
  /** Sprite sheets and WebVTT thumbnails track of an active video. */
  render_storyboard: { queue: QueueName.media, data: MediaJobData, result: Type.Null() },
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

/** BullMQ priorities: lower runs first. Fresh uploads go ahead of re-runs and backfills; `none` is FIFO. */
export const Priority = { none: 0, upload: 1, backfill: 10 } as const;

/** Deterministic id so one material never has two thumbnail jobs queued at once. */
export const thumbnailJobId = (materialId: number): string => `thumbnail-${materialId}`;
export const prepareMediaJobId = (materialId: number): string => `prepare-media-${materialId}`;
export const storyboardJobId = (materialId: number): string => `storyboard-${materialId}`;

/** Deterministic id so one material never has two text extraction jobs queued at once. */
export const textExtractionJobId = (materialId: number): string => `text-${materialId}`;
