import { and, asc, eq, inArray, lt, ne, sql } from "drizzle-orm";
import type { Database } from "../client";
import {
  type MaterialStatus,
  type MaterialType,
  type MediaStage,
  materials,
  type PagePreviewRecord,
  pagePreviews,
  type StoryboardRecord,
} from "../schema";
import { materialVector } from "../search";

/** What the media jobs need to know about a material. */
export interface MediaSubject {
  id: number;
  uploaderId: number;
  type: MaterialType;
  status: MaterialStatus;
  stage: MediaStage;
  fileFormat: string;
  filePath: string;
  sourcePath: string | null;
  durationSeconds: number | null;
}

export interface PreparedFile {
  /** The playable/displayable file (the original itself when it plays as it is). */
  filePath: string;
  /** The original, when `filePath` is a converted file. */
  sourcePath: string | null;
  fileSize: number;
}

export type PagePreviewRow = Omit<PagePreviewRecord, "materialId">;

const subjectColumns = {
  id: materials.id,
  uploaderId: materials.uploaderId,
  type: materials.type,
  status: materials.status,
  stage: materials.stage,
  fileFormat: materials.fileFormat,
  filePath: materials.filePath,
  sourcePath: materials.sourcePath,
  durationSeconds: materials.durationSeconds,
};

/** Issue 15: conversion stages and progress, page previews and storyboards of materials. */
export class MediaRepository {
  constructor(private readonly db: Database) {}

  async findSubject(id: number): Promise<MediaSubject | undefined> {
    const [row] = await this.db.select(subjectColumns).from(materials).where(eq(materials.id, id));
    return row;
  }

  /** Enters a conversion stage (also from `failed`, for a retry); only while the material is not yet active. */
  async startStage(id: number, stage: Extract<MediaStage, "converting" | "transcoding">): Promise<boolean> {
    const rows = await this.db
      .update(materials)
      .set({ stage, progress: 0, failureReason: null })
      .where(and(eq(materials.id, id), eq(materials.status, "processing")))
      .returning({ id: materials.id });
    return rows.length > 0;
  }

  /**
   * Materials waiting for their conversion or transcode (still `processing`, stage `converting`/`transcoding`)
   * whose row has not changed for `graceSeconds`, oldest first: those whose `prepare_media` job may be lost
   * (Redis was down at upload time). A `failed` stage waits for an admin's retry instead.
   */
  async listAwaitingPreparation(graceSeconds: number, limit: number): Promise<number[]> {
    const rows = await this.db
      .select({ id: materials.id })
      .from(materials)
      .where(
        and(
          eq(materials.status, "processing"),
          inArray(materials.stage, ["converting", "transcoding"]),
          lt(materials.updatedAt, sql`now() - make_interval(secs => ${graceSeconds})`),
        ),
      )
      .orderBy(asc(materials.createdAt), asc(materials.id))
      .limit(limit);
    return rows.map((row) => row.id);
  }

  async setProgress(id: number, progress: number): Promise<void> {
    await this.db
      .update(materials)
      .set({ progress })
      .where(and(eq(materials.id, id), eq(materials.status, "processing")));
  }

  /** The converted file exists: the material becomes active (listed, found). `undefined` when it is gone. */
  async complete(id: number, file: PreparedFile): Promise<{ id: number } | undefined> {
    const [texts] = await this.db
      .select({ title: materials.title, description: materials.description })
      .from(materials)
      .where(eq(materials.id, id));
    if (!texts) return undefined;
    const [row] = await this.db
      .update(materials)
      .set({
        ...file,
        status: "active",
        stage: "ready",
        progress: 100,
        failureReason: null,
        activatedAt: sql`now()`,
        // Searchable from activation on, as an upload that needed no conversion is.
        searchVector: materialVector(texts.title, texts.description),
      })
      .where(and(eq(materials.id, id), eq(materials.status, "processing")))
      .returning({ id: materials.id });
    return row;
  }

  /** The conversion failed for good: the original stays, with the reason, for the owner and an admin retry. */
  async fail(id: number, reason: string): Promise<boolean> {
    const rows = await this.db
      .update(materials)
      .set({ stage: "failed", failureReason: reason })
      .where(and(eq(materials.id, id), eq(materials.status, "processing")))
      .returning({ id: materials.id });
    return rows.length > 0;
  }

  async setStoryboard(id: number, storyboard: StoryboardRecord): Promise<boolean> {
    const rows = await this.db
      .update(materials)
      .set({ storyboard })
      .where(and(eq(materials.id, id), ne(materials.status, "hidden")))
      .returning({ id: materials.id });
    return rows.length > 0;
  }

  /** Replaces the material's page previews as a whole (a re-run writes the same keys). */
  async replacePages(id: number, pages: PagePreviewRow[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.delete(pagePreviews).where(eq(pagePreviews.materialId, id));
      if (pages.length > 0) await tx.insert(pagePreviews).values(pages.map((page) => ({ ...page, materialId: id })));
    });
  }

  listPages(id: number): Promise<PagePreviewRow[]> {
    return this.db
      .select({
        page: pagePreviews.page,
        previewPath: pagePreviews.previewPath,
        width: pagePreviews.width,
        height: pagePreviews.height,
      })
      .from(pagePreviews)
      .where(eq(pagePreviews.materialId, id))
      .orderBy(asc(pagePreviews.page));
  }

  async findStoryboard(id: number): Promise<StoryboardRecord | null> {
    const [row] = await this.db
      .select({ storyboard: materials.storyboard })
      .from(materials)
      .where(eq(materials.id, id));
    return row?.storyboard ?? null;
  }
}
