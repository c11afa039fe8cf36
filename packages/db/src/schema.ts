import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  customType,
  foreignKey,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  real,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
} from "drizzle-orm/pg-core";

/**
 * `updated_at` follows one rule: every Drizzle update sets it to `now()`
 * (`$onUpdate`), unless the write is not an edit of the row (view and like
 * counters, thumbnail results), which says so with `keepUpdatedAt`.
 */
const timestamps = {
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true })
    .notNull()
    .defaultNow()
    .$onUpdate(() => sql`now()`),
};

export const users = pgTable(
  "users",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    email: varchar("email", { length: 320 }).notNull(),
    name: varchar("name", { length: 100 }).notNull(),
    passwordHash: text("password_hash").notNull(),
    avatarUrl: text("avatar_url"),
    isActive: boolean("is_active").notNull().default(true),
    isAdmin: boolean("is_admin").notNull().default(false),
    ...timestamps,
  },
  (t) => [uniqueIndex("users_email_lower_key").on(sql`lower(${t.email})`)],
);

export const materialType = pgEnum("material_type", ["video", "pdf"]);
export const materialStatus = pgEnum("material_status", ["processing", "active", "hidden"]);
export const thumbnailStatus = pgEnum("thumbnail_status", ["pending", "completed", "failed"]);
// --- issue 15: conversion stages ---
/**
 * Where a material's playable/displayable file is: `uploading` (bytes arriving), `converting` (office → PDF),
 * `transcoding` (video → browser mp4), `ready`, or `failed` (the original is kept with `failure_reason`).
 */
export const mediaStage = pgEnum("media_stage", ["uploading", "converting", "transcoding", "ready", "failed"]);
// --- end issue 15 ---
/** Whether a material's own text (a PDF's pages) is indexed for search; `no_text` for scans and videos. */
export const textStatus = pgEnum("text_status", ["pending", "completed", "no_text", "failed"]);

/** Built from code-tokenised text (see `search/tokenize.ts`), never from raw text. */
const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

const activeOnly = sql`status = 'active'`;

export const materials = pgTable(
  "materials",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    title: varchar("title", { length: 255 }).notNull(),
    description: text("description"),
    type: materialType("type").notNull(),
    filePath: text("file_path").notNull(),
    fileSize: bigint("file_size", { mode: "number" }).notNull().default(0),
    fileFormat: varchar("file_format", { length: 16 }).notNull(),
    thumbnailPath: text("thumbnail_path"),
    thumbnailStatus: thumbnailStatus("thumbnail_status").notNull().default("pending"),
    thumbnailError: text("thumbnail_error"),
    uploaderId: integer("uploader_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    viewCount: integer("view_count").notNull().default(0),
    likeCount: integer("like_count").notNull().default(0),
    status: materialStatus("status").notNull().default("processing"),
    /** Media facts the worker learns while making the thumbnail. */
    durationSeconds: real("duration_seconds"),
    width: integer("width"),
    height: integer("height"),
    pageCount: integer("page_count"),
    /** When the upload completed and the material became `active`; the pending-thumbnail sweep waits from here. */
    activatedAt: timestamp("activated_at", { withTimezone: true }),
    // --- issue 15: converted materials ---
    /** The uploaded original when `file_path` is a converted file (PDF of a deck, mp4 of a mov); else null. */
    sourcePath: text("source_path"),
    stage: mediaStage("stage").notNull().default("ready"),
    /** 0-100 while converting/transcoding. */
    progress: smallint("progress").notNull().default(0),
    failureReason: text("failure_reason"),
    /** Sprite sheets and WebVTT track of a video, once made. */
    storyboard: jsonb("storyboard").$type<StoryboardRecord>(),
    // --- end issue 15 ---
    /** Search: title (weight A) and description (weight B); null until computed (see the text backfill). */
    searchVector: tsvector("search_vector"),
    textStatus: textStatus("text_status").notNull().default("pending"),
    /** Why extraction failed, or what the caps left out of the index. */
    textNote: text("text_note"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("materials_file_path_key").on(t.filePath),
    index("materials_uploader_idx").on(t.uploaderId),
    // One index per list order (scanned forwards for asc, backwards for desc), over active rows only.
    index("materials_active_created_idx").on(t.createdAt, t.id).where(activeOnly),
    index("materials_active_views_idx").on(t.viewCount, t.id).where(activeOnly),
    index("materials_active_likes_idx").on(t.likeCount, t.id).where(activeOnly),
    index("materials_active_type_created_idx").on(t.type, t.createdAt, t.id).where(activeOnly),
    index("materials_active_type_views_idx").on(t.type, t.viewCount, t.id).where(activeOnly),
    index("materials_active_type_likes_idx").on(t.type, t.likeCount, t.id).where(activeOnly),
    // Sweeps: stale uploads and thumbnails still waiting.
    index("materials_status_created_idx").on(t.status, t.createdAt),
    index("materials_thumbnail_pending_idx")
      .on(t.createdAt)
      .where(sql`thumbnail_status = 'pending' and status = 'active'`),
    // Search (the trigram index on title for misspellings, and materials_active_search_probe_idx, an index on
    // id that covers like_count, type and uploader_id of active rows, are in custom migrations).
    index("materials_search_idx").using("gin", t.searchVector),
    index("materials_text_backfill_idx")
      .on(t.id)
      .where(sql`status = 'active' and (search_vector is null or (type = 'pdf' and text_status = 'pending'))`),
  ],
);

// --- issue 15: page previews ---
export interface StoryboardRecord {
  vttPath: string;
  spritePaths: string[];
  intervalSeconds: number;
  tileWidth: number;
  tileHeight: number;
}

/** A small image of one page of a PDF material (converted documents included). */
export const pagePreviews = pgTable(
  "page_previews",
  {
    materialId: integer("material_id")
      .notNull()
      .references(() => materials.id, { onDelete: "cascade" }),
    page: integer("page").notNull(),
    previewPath: text("preview_path").notNull(),
    width: integer("width").notNull(),
    height: integer("height").notNull(),
  },
  (t) => [primaryKey({ columns: [t.materialId, t.page] })],
);
// --- end issue 15 ---

export const likes = pgTable(
  "likes",
  {
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    materialId: integer("material_id")
      .notNull()
      .references(() => materials.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.materialId] }), index("likes_material_idx").on(t.materialId)],
);

/**
 * A login session: one refresh-token family. Each refresh rotates `refreshJti`;
 * a refresh token with an older jti is a replay and revokes the whole session.
 */
export const authSessions = pgTable(
  "auth_sessions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    refreshJti: uuid("refresh_jti").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    revokedReason: text("revoked_reason"),
    ...timestamps,
  },
  (t) => [
    index("auth_sessions_user_idx").on(t.userId),
    // Pruning of sessions past their refresh expiry.
    index("auth_sessions_expires_idx").on(t.expiresAt),
  ],
);

/** Desired state of scheduled jobs; the worker reconciles BullMQ to it. */
export const scheduledJobs = pgTable("scheduled_jobs", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  schedule: text("schedule").notNull(),
  paused: boolean("paused").notNull().default(false),
  ...timestamps,
});

// --- Search: page text of PDFs, captions of videos -----------------------------------------------------

/** The text of one PDF page, as extracted, and its search vector. */
export const materialPages = pgTable(
  "material_pages",
  {
    materialId: integer("material_id")
      .notNull()
      .references(() => materials.id, { onDelete: "cascade" }),
    pageNumber: integer("page_number").notNull(),
    text: text("text").notNull(),
    searchVector: tsvector("search_vector").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.materialId, t.pageNumber] }),
    index("material_pages_search_idx").using("gin", t.searchVector),
  ],
);

/** One caption track of a video per language, stored as a WebVTT object. */
export const materialCaptions = pgTable(
  "material_captions",
  {
    materialId: integer("material_id")
      .notNull()
      .references(() => materials.id, { onDelete: "cascade" }),
    lang: varchar("lang", { length: 35 }).notNull(),
    objectPath: text("object_path").notNull(),
    ...timestamps,
  },
  (t) => [primaryKey({ columns: [t.materialId, t.lang] })],
);

export const captionCues = pgTable(
  "caption_cues",
  {
    materialId: integer("material_id").notNull(),
    lang: varchar("lang", { length: 35 }).notNull(),
    cueIndex: integer("cue_index").notNull(),
    startSeconds: real("start_seconds").notNull(),
    text: text("text").notNull(),
    searchVector: tsvector("search_vector").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.materialId, t.lang, t.cueIndex] }),
    foreignKey({
      columns: [t.materialId, t.lang],
      foreignColumns: [materialCaptions.materialId, materialCaptions.lang],
    }).onDelete("cascade"),
    index("caption_cues_search_idx").using("gin", t.searchVector),
  ],
);

/**
 * Every lexeme of a material's page text and captions, without positions, a few vectors per material
 * (pages 1-20, 21-40, …; cues 1-500, …: each stays far below a tsvector's 1 MB limit). Finding which
 * materials match scans this index instead of one row per page, which is what keeps search fast on a
 * million pages; the pages themselves are then read only for the page of results.
 */
export const materialContentVectors = pgTable(
  "material_content_vectors",
  {
    materialId: integer("material_id")
      .notNull()
      .references(() => materials.id, { onDelete: "cascade" }),
    /** `pages`, or `captions:{lang}`. */
    source: text("source").notNull(),
    chunk: integer("chunk").notNull(),
    searchVector: tsvector("search_vector").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.materialId, t.source, t.chunk] }),
    index("material_content_vectors_search_idx").using("gin", t.searchVector),
  ],
);

export type PagePreviewRecord = typeof pagePreviews.$inferSelect;
export type MaterialCaptionRow = typeof materialCaptions.$inferSelect;
export type TextStatus = (typeof textStatus.enumValues)[number];

// --- end search ----------------------------------------------------------------------------------------

// --- Run history and audit trail (admins in control of background jobs) ---

/**
 * `retrying`: the attempt failed and BullMQ tries again; `interrupted`: the attempt's
 * worker died and the job was taken over (a later row records the retake).
 */
export const jobRunOutcome = pgEnum("job_run_outcome", ["running", "completed", "failed", "retrying", "interrupted"]);

/**
 * One attempt of one job of any queue, recorded by the worker. No foreign keys:
 * the history outlives the materials it mentions and is pruned by age only.
 */
export const jobRuns = pgTable(
  "job_runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    queue: text("queue").notNull(),
    jobName: text("job_name").notNull(),
    /** BullMQ's job id. */
    jobId: text("job_id").notNull(),
    /** The schedule of the registry the job belongs to (its scheduled and run-now jobs), if any. */
    schedulerId: text("scheduler_id"),
    materialId: integer("material_id"),
    /** 1 for the first attempt. */
    attempt: integer("attempt").notNull(),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    durationMs: integer("duration_ms"),
    outcome: jobRunOutcome("outcome").notNull().default("running"),
    error: text("error"),
    /** What the job did, in its own terms (cleanup: counts; thumbnails: kind and size). */
    summary: jsonb("summary").$type<Record<string, unknown>>(),
  },
  (t) => [
    // Newest first, unfiltered and by each filter of the admin listing; retention deletes by age.
    index("job_runs_started_idx").on(t.startedAt, t.id),
    index("job_runs_queue_name_started_idx").on(t.queue, t.jobName, t.startedAt),
    index("job_runs_outcome_started_idx").on(t.outcome, t.startedAt),
    index("job_runs_material_started_idx").on(t.materialId, t.startedAt).where(sql`material_id is not null`),
    index("job_runs_scheduler_started_idx").on(t.schedulerId, t.startedAt).where(sql`scheduler_id is not null`),
    index("job_runs_job_idx").on(t.queue, t.jobId),
  ],
);

/** `api`: an admin through the API; `cli`: `pnpm user:admin` on the server. */
export const auditActorSource = pgEnum("audit_actor_source", ["api", "cli"]);

/** Every admin action: who, what, on what, the state before and after, when, and the request. */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    /** The admin's user id; null for actions from the command line. No foreign key: the trail outlives users. */
    actorId: integer("actor_id"),
    actorSource: auditActorSource("actor_source").notNull(),
    /** e.g. `scheduler.pause`, `queue.update`, `user.grant_admin`. */
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id").notNull(),
    before: jsonb("before").$type<Record<string, unknown>>(),
    after: jsonb("after").$type<Record<string, unknown>>(),
    requestId: text("request_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("audit_log_created_idx").on(t.createdAt, t.id),
    index("audit_log_actor_created_idx").on(t.actorId, t.createdAt),
    index("audit_log_target_created_idx").on(t.targetType, t.targetId, t.createdAt),
    index("audit_log_action_created_idx").on(t.action, t.createdAt),
  ],
);

/**
 * Desired state of each BullMQ queue set by admins (paused, global concurrency); workers
 * reconcile Redis to it, so it survives restarts and a Redis flush. No row: defaults.
 */
export const queueControls = pgTable("queue_controls", {
  queue: text("queue").primaryKey(),
  paused: boolean("paused").notNull().default(false),
  /** Jobs of the queue running at once across all workers; null: no global limit. */
  concurrency: integer("concurrency"),
  ...timestamps,
});

export type JobRunRow = typeof jobRuns.$inferSelect;
export type JobRunOutcome = (typeof jobRunOutcome.enumValues)[number];
export type AuditLogRow = typeof auditLog.$inferSelect;
export type AuditActorSource = (typeof auditActorSource.enumValues)[number];
export type QueueControlRow = typeof queueControls.$inferSelect;

// --- end of run history and audit trail ---
// --- Resumable (tus) uploads -------------------------------------------------------------------------------

/**
 * A tus upload not finished yet: what any API process needs to go on with it. Its material row stays
 * `processing` meanwhile; bytes go straight into an S3 multipart upload (part n's ETag at index n-1 of
 * `partEtags`), and bytes that did not fill a part wait in a tail object (`tailBytes` of them).
 */
export const resumableUploads = pgTable(
  "resumable_uploads",
  {
    id: text("id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    materialId: integer("material_id")
      .notNull()
      .references(() => materials.id, { onDelete: "cascade" }),
    multipartUploadId: text("multipart_upload_id").notNull(),
    contentType: text("content_type").notNull(),
    size: bigint("size", { mode: "number" }).notNull(),
    offset: bigint("offset", { mode: "number" }).notNull().default(0),
    partEtags: text("part_etags").array().notNull().default(sql`'{}'::text[]`),
    tailBytes: integer("tail_bytes").notNull().default(0),
    /** Set once the leading bytes were read and matched the declared type. */
    typeChecked: boolean("type_checked").notNull().default(false),
    metadata: jsonb("metadata").$type<Record<string, string | null>>().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    index("resumable_uploads_user_idx").on(t.userId),
    uniqueIndex("resumable_uploads_material_key").on(t.materialId),
    index("resumable_uploads_expires_idx").on(t.expiresAt),
  ],
);

/** Leases on tus uploads (also on ids not created yet), so one request at a time works on an upload, across processes. */
export const resumableUploadLocks = pgTable("resumable_upload_locks", {
  id: text("id").primaryKey(),
  token: uuid("token").notNull(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
});

export type ResumableUploadRow = typeof resumableUploads.$inferSelect;
export type NewResumableUploadRow = typeof resumableUploads.$inferInsert;

// --- end resumable uploads ---------------------------------------------------------------------------------

export type UserRow = typeof users.$inferSelect;
/** A material as the application reads it: the search vector is only ever used inside SQL. */
export type MaterialRow = Omit<typeof materials.$inferSelect, "searchVector">;
export type NewMaterialRow = typeof materials.$inferInsert;
export type AuthSessionRow = typeof authSessions.$inferSelect;
export type ScheduledJobRow = typeof scheduledJobs.$inferSelect;
export type MaterialType = (typeof materialType.enumValues)[number];
export type MaterialStatus = (typeof materialStatus.enumValues)[number];
export type ThumbnailStatus = (typeof thumbnailStatus.enumValues)[number];
export type MediaStage = (typeof mediaStage.enumValues)[number];
export type MaterialPageRow = typeof materialPages.$inferSelect;
