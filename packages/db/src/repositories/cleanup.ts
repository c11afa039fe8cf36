import { and, eq, inArray, lt, ne, notInArray, or } from "drizzle-orm";
import type { Database } from "../client";
import { materials } from "../schema";

/** A row left in `processing` by an upload that never finished, with the objects it may have written. */
export interface StaleUpload {
  id: number;
  filePath: string;
  thumbnailPath: string | null;
}

const staleColumns = { id: materials.id, filePath: materials.filePath, thumbnailPath: materials.thumbnailPath };
/**
 * Issue 15: a `processing` row whose file is being converted, or whose conversion failed (the original kept
 * for the owner and an admin retry), is not a stale upload.
 */
const stillUploading = notInArray(materials.stage, ["converting", "transcoding", "failed"]);

/** Queries of the cleanup job: stale uploads and which object keys rows still reference. */
export class CleanupRepository {
  constructor(private readonly db: Database) {}

  /** Up to `limit` rows still `processing` that were created before `cutoff`, oldest first. */
  findStaleUploads(cutoff: Date, limit: number): Promise<StaleUpload[]> {
    return this.db
      .select(staleColumns)
      .from(materials)
      .where(and(eq(materials.status, "processing"), stillUploading, lt(materials.createdAt, cutoff)))
      .orderBy(materials.createdAt, materials.id)
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
        and(eq(materials.id, id), eq(materials.status, "processing"), stillUploading, lt(materials.createdAt, cutoff)),
      )
      .returning(staleColumns);
    return deleted;
  }

  /**
   * The keys among `keys` that some row references as its file, original or thumbnail, whatever its status:
   * hidden rows still own their files.
   */
  async referencedKeys(keys: string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows = await this.db
      .select({
        filePath: materials.filePath,
        sourcePath: materials.sourcePath,
        thumbnailPath: materials.thumbnailPath,
      })
      .from(materials)
      .where(
        or(
          inArray(materials.filePath, keys),
          inArray(materials.sourcePath, keys),
          inArray(materials.thumbnailPath, keys),
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
