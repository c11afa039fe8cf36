import { and, asc, eq, gt, inArray, lt, ne, notInArray, or, sql } from "drizzle-orm";
import type { Database } from "../client";
import { materials, resumableUploads } from "../schema";

/** A row left in `processing` by an upload that never finished, with the objects it may have written. */
export interface StaleUpload {
  id: number;
  filePath: string;
  thumbnailPath: string | null;
}

/** Resumable uploads expire on their own terms (`findExpiredResumableUploads`); the stale sweep leaves them alone. */
const noResumableUpload = sql`not exists (select 1 from ${resumableUploads} where ${resumableUploads.materialId} = ${materials.id})`;

const staleColumns = { id: materials.id, filePath: materials.filePath, thumbnailPath: materials.thumbnailPath };
/**
 * Issue 15: a `processing` row whose file is being converted, or whose conversion failed (the original kept
 * for the owner and an admin retry), is not a stale upload.
 */
const stillUploading = notInArray(materials.stage, ["converting", "transcoding", "failed"]);

/** A resumable upload past its expiry, with what it holds in storage. */
export interface ExpiredResumableUpload {
  id: string;
  materialId: number;
  filePath: string;
  multipartUploadId: string;
  partEtags: string[];
  tailBytes: number;
}

/** Queries of the cleanup job: stale uploads and which object keys rows still reference. */
export class CleanupRepository {
  constructor(private readonly db: Database) {}

  /**
   * Up to `limit` rows still `processing` that were created before `cutoff`, by id;
   * those after `afterId` when given (a dry run pages through them without deleting).
   */
  findStaleUploads(cutoff: Date, limit: number, afterId = 0): Promise<StaleUpload[]> {
    return this.db
      .select(staleColumns)
      .from(materials)
      .where(
        and(
          eq(materials.status, "processing"),
          stillUploading,
          lt(materials.createdAt, cutoff),
          gt(materials.id, afterId),
          noResumableUpload,
        ),
      )
      .orderBy(materials.id)
      .limit(limit);
  }

  /**
   * Ids among `ids` of materials that exist and are not deleted: their derived objects (page previews,
   * storyboards, keyed by material id) are in use, also before the row records them.
   */
  async liveMaterialIds(ids: number[]): Promise<Set<number>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db
      .select({ id: materials.id })
      .from(materials)
      .where(and(inArray(materials.id, ids), ne(materials.status, "hidden")));
    return new Set(rows.map((row) => row.id));
  }

  /**
   * Deletes the row only if it is still a stale upload, so an upload that
   * finished since it was found keeps its row (and the caller its objects).
   */
  async deleteStaleUpload(id: number, cutoff: Date): Promise<StaleUpload | undefined> {
    const [deleted] = await this.db
      .delete(materials)
      .where(
        and(
          eq(materials.id, id),
          eq(materials.status, "processing"),
          stillUploading,
          lt(materials.createdAt, cutoff),
          noResumableUpload,
        ),
      )
      .returning(staleColumns);
    return deleted;
  }

  /** Up to `limit` resumable uploads whose expiry is before `now`, oldest first. */
  findExpiredResumableUploads(now: Date, limit: number): Promise<ExpiredResumableUpload[]> {
    return this.db
      .select({
        id: resumableUploads.id,
        materialId: resumableUploads.materialId,
        filePath: materials.filePath,
        multipartUploadId: resumableUploads.multipartUploadId,
        partEtags: resumableUploads.partEtags,
        tailBytes: resumableUploads.tailBytes,
      })
      .from(resumableUploads)
      .innerJoin(materials, eq(materials.id, resumableUploads.materialId))
      .where(lt(resumableUploads.expiresAt, now))
      .orderBy(asc(resumableUploads.expiresAt))
      .limit(limit);
  }

  /** Deletes the upload's `processing` material row, and with it the upload's state; `false` if already gone. */
  async deleteExpiredResumableUpload(upload: ExpiredResumableUpload): Promise<boolean> {
    const deleted = await this.db
      .delete(materials)
      .where(and(eq(materials.id, upload.materialId), eq(materials.status, "processing")))
      .returning({ id: materials.id });
    await this.db.delete(resumableUploads).where(eq(resumableUploads.id, upload.id));
    return deleted.length > 0;
  }

  /**
   * The keys among `keys` that some row references as its file, original or thumbnail,
   * whatever its status: hidden rows still own their files. Rows `ignoring` do not
   * count (a dry run asks about the objects of rows it pretends to delete).
   */
  async referencedKeys(keys: string[], ignoring: number[] = []): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const others = ignoring.length > 0 ? notInArray(materials.id, ignoring) : undefined;
    const rows = await this.db
      .select({
        filePath: materials.filePath,
        sourcePath: materials.sourcePath,
        thumbnailPath: materials.thumbnailPath,
      })
      .from(materials)
      .where(
        and(
          or(
            inArray(materials.filePath, keys),
            inArray(materials.sourcePath, keys),
            inArray(materials.thumbnailPath, keys),
          ),
          others,
        ),
      );
    const wanted = new Set(keys);
    const referenced = new Set<string>();
    for (const row of rows) {
      for (const key of [row.filePath, row.sourcePath, row.thumbnailPath]) {
        if (key !== null && wanted.has(key)) referenced.add(key);
      }
    }
    return referenced;
  }
}
