import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../client";
import {
  type MaterialRow,
  type MaterialStatus,
  type MaterialType,
  type MediaStage,
  materials,
  pagePreviews,
  resumableUploads,
  type StoryboardRecord,
  type ThumbnailStatus,
} from "../schema";
import { materialVector } from "../search";

export interface NewUpload {
  uploaderId: number;
  title: string;
  description: string | null;
  type: MaterialType;
  fileFormat: string;
  filePath: string;
}

export interface UploadCompletion {
  title: string;
  description: string | null;
  fileSize: number;
}

/** What the upload status endpoints and the delete need to know about a material. */
export interface UploadState {
  id: number;
  uploaderId: number;
  status: MaterialStatus;
  filePath: string;
  thumbnailPath: string | null;
  thumbnailStatus: ThumbnailStatus;
  // issue 15
  stage: MediaStage;
  progress: number;
  failureReason: string | null;
  sourcePath: string | null;
  storyboard: StoryboardRecord | null;
  /** Bytes received and declared by a resumable upload still in progress; `null` for other uploads. */
  resumable: { offset: number; size: number } | null;
}

/** The life of an upload's row: `processing` while streaming, then `active`, or gone on failure. */
export class UploadsRepository {
  constructor(private readonly db: Database) {}

  /**
   * Inserts the `processing` row. `undefined` when another material already
   * uses `filePath`: the unique index decides atomically which upload owns a
   * key, so the caller retries with another key instead of overwriting.
   */
  async insertProcessing(upload: NewUpload): Promise<MaterialRow | undefined> {
    const [row] = await this.db
      .insert(materials)
      // Only a PDF has text of its own to extract; a video's text comes from its captions.
      .values({
        ...upload,
        status: "processing",
        stage: "uploading",
        fileSize: 0,
        textStatus: upload.type === "pdf" ? "pending" : "no_text",
      })
      .onConflictDoNothing({ target: materials.filePath })
      .returning();
    return row;
  }

  /** `processing` -> `active`, from now on; `undefined` when the row is no longer processing (or gone). */
  async activate(id: number, completion: UploadCompletion): Promise<MaterialRow | undefined> {
    const [row] = await this.db
      .update(materials)
      .set({
        ...completion,
        status: "active",
        stage: "ready",
        activatedAt: sql`now()`,
        searchVector: materialVector(completion.title, completion.description),
      })
      .where(and(eq(materials.id, id), eq(materials.status, "processing")))
      .returning();
    return row;
  }

  /**
   * Issue 15: the original is stored and waits for the worker to convert it; the row stays `processing`
   * (not listed, not found by others) in the conversion's stage. `undefined` when it is no longer uploading.
   */
  async awaitConversion(
    id: number,
    completion: UploadCompletion,
    stage: Extract<MediaStage, "converting" | "transcoding">,
  ): Promise<MaterialRow | undefined> {
    const [row] = await this.db
      .update(materials)
      .set({ ...completion, stage, progress: 0 })
      .where(and(eq(materials.id, id), eq(materials.status, "processing"), eq(materials.stage, "uploading")))
      .returning();
    return row;
  }

  /** Removes the row of a failed upload (never one that became active). */
  async deleteProcessing(id: number): Promise<void> {
    await this.db.delete(materials).where(and(eq(materials.id, id), eq(materials.status, "processing")));
  }

  /** Issue 15: keys of the material's page previews (storyboard keys are on its row). */
  async derivedObjectKeys(id: number): Promise<string[]> {
    const rows = await this.db
      .select({ previewPath: pagePreviews.previewPath })
      .from(pagePreviews)
      .where(eq(pagePreviews.materialId, id));
    return rows.map((row) => row.previewPath);
  }

  async findState(id: number): Promise<UploadState | undefined> {
    const [row] = await this.db
      .select({
        id: materials.id,
        uploaderId: materials.uploaderId,
        status: materials.status,
        filePath: materials.filePath,
        thumbnailPath: materials.thumbnailPath,
        thumbnailStatus: materials.thumbnailStatus,
        stage: materials.stage,
        progress: materials.progress,
        failureReason: materials.failureReason,
        sourcePath: materials.sourcePath,
        storyboard: materials.storyboard,
        resumableOffset: resumableUploads.offset,
        resumableSize: resumableUploads.size,
      })
      .from(materials)
      .leftJoin(resumableUploads, eq(resumableUploads.materialId, materials.id))
      .where(eq(materials.id, id));
    if (!row) return undefined;
    const { resumableOffset, resumableSize, ...state } = row;
    const resumable =
      resumableOffset !== null && resumableSize !== null ? { offset: resumableOffset, size: resumableSize } : null;
    return { ...state, resumable };
  }
}
