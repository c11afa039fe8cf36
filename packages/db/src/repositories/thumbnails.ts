import { and, asc, eq, ne, sql } from "drizzle-orm";
import type { Database } from "../client";
import { type MaterialStatus, type MaterialType, materials, type ThumbnailStatus } from "../schema";
import { isActiveMaterial, keepUpdatedAt } from "./material-filters";

/** What the thumbnail worker needs to know about a material. */
export interface ThumbnailSubject {
  id: number;
  uploaderId: number;
  type: MaterialType;
  filePath: string;
  status: MaterialStatus;
  thumbnailStatus: ThumbnailStatus;
  thumbnailPath: string | null;
}

/** Facts learnt while rendering; `null` where the medium has none (a PDF has no duration). */
export interface MediaFacts {
  durationSeconds: number | null;
  width: number | null;
  height: number | null;
  pageCount: number | null;
}

/**
 * Only an active material takes a thumbnail result: a material hidden (deleted) while its job ran is
 * not brought back, and one still `processing` has no complete file yet.
 */
const isActive = isActiveMaterial();

/** Reads and writes of the thumbnail columns; `updated_at` is left alone, as a thumbnail is not an edit. */
export class ThumbnailsRepository {
  constructor(private readonly db: Database) {}

  async findSubject(materialId: number): Promise<ThumbnailSubject | undefined> {
    const [row] = await this.db
      .select({
        id: materials.id,
        uploaderId: materials.uploaderId,
        type: materials.type,
        filePath: materials.filePath,
        status: materials.status,
        thumbnailStatus: materials.thumbnailStatus,
        thumbnailPath: materials.thumbnailPath,
      })
      .from(materials)
      .where(eq(materials.id, materialId));
    return row;
  }

  /** Path, status and media facts in one statement; false when the material is gone or no longer active. */
  async markCompleted(materialId: number, thumbnailPath: string, facts: MediaFacts): Promise<boolean> {
    const updated = await this.db
      .update(materials)
      .set({ thumbnailPath, thumbnailStatus: "completed", thumbnailError: null, ...facts, ...keepUpdatedAt(materials) })
      .where(and(eq(materials.id, materialId), isActive))
      .returning({ id: materials.id });
    return updated.length > 0;
  }

  /**
   * Records a thumbnail that failed for good, pointing at the type's placeholder. Never overwrites a
   * completed thumbnail; false when nothing was updated.
   */
  async markFailed(materialId: number, reason: string, placeholderPath: string): Promise<boolean> {
    const updated = await this.db
      .update(materials)
      .set({
        thumbnailPath: placeholderPath,
        thumbnailStatus: "failed",
        thumbnailError: reason,
        ...keepUpdatedAt(materials),
      })
      .where(and(eq(materials.id, materialId), isActive, ne(materials.thumbnailStatus, "completed")))
      .returning({ id: materials.id });
    return updated.length > 0;
  }

  /**
   * Active materials still waiting for a thumbnail that became active at least `graceSeconds` ago (so
   * an upload that is enqueueing its own job right now is left to it), oldest first.
   */
  async listPendingActive(graceSeconds: number, limit: number): Promise<number[]> {
    const rows = await this.db
      .select({ id: materials.id })
      .from(materials)
      .where(
        and(
          // Literals matching the partial index `materials_thumbnail_pending_idx`.
          sql`${materials.thumbnailStatus} = 'pending'`,
          isActive,
          sql`${materials.activatedAt} < now() - make_interval(secs => ${graceSeconds})`,
        ),
      )
      .orderBy(asc(materials.createdAt), asc(materials.id))
      .limit(limit);
    return rows.map((row) => row.id);
  }
}
