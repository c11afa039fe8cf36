import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../client";
import {
  materials,
  type NewResumableUploadRow,
  type ResumableUploadRow,
  resumableUploadLocks,
  resumableUploads,
} from "../schema";

/** What a PATCH changed: the parts now stored, the bytes received, the bytes waiting in the tail object. */
export interface ResumableProgress {
  partEtags: string[];
  offset: number;
  tailBytes: number;
  typeChecked: boolean;
}

/** The shared state of tus uploads, so that any API process can go on with any upload. */
export class ResumableUploadsRepository {
  constructor(private readonly db: Database) {}

  /**
   * Inserts `row` unless its user already has `maxPerUser` unfinished uploads; false when refused. Count and
   * insert run under a per-user advisory lock, so concurrent creations cannot both pass the count.
   */
  async insertWithinCap(row: NewResumableUploadRow, maxPerUser: number): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`resumable_uploads_user:${row.userId}`}))`);
      const [existing] = await tx
        .select({ count: sql<number>`count(*)::int` })
        .from(resumableUploads)
        .where(eq(resumableUploads.userId, row.userId));
      if ((existing?.count ?? 0) >= maxPerUser) return false;
      await tx.insert(resumableUploads).values(row);
      return true;
    });
  }

  async find(id: string): Promise<(ResumableUploadRow & { filePath: string }) | undefined> {
    const [row] = await this.db
      .select({ upload: resumableUploads, filePath: materials.filePath })
      .from(resumableUploads)
      .innerJoin(materials, eq(materials.id, resumableUploads.materialId))
      .where(eq(resumableUploads.id, id));
    return row && { ...row.upload, filePath: row.filePath };
  }

  async findByMaterial(materialId: number): Promise<Pick<ResumableUploadRow, "offset" | "size"> | undefined> {
    const [row] = await this.db
      .select({ offset: resumableUploads.offset, size: resumableUploads.size })
      .from(resumableUploads)
      .where(eq(resumableUploads.materialId, materialId));
    return row;
  }

  /** Records progress only while the upload is still where the writer found it (`expectedOffset`). */
  async recordProgress(id: string, expectedOffset: number, progress: ResumableProgress): Promise<boolean> {
    const updated = await this.db
      .update(resumableUploads)
      .set(progress)
      .where(and(eq(resumableUploads.id, id), eq(resumableUploads.offset, expectedOffset)))
      .returning({ id: resumableUploads.id });
    return updated.length > 0;
  }

  async countByUser(userId: number): Promise<number> {
    const [row] = await this.db
      .select({ count: sql<number>`count(*)::int` })
      .from(resumableUploads)
      .where(eq(resumableUploads.userId, userId));
    return row?.count ?? 0;
  }

  async delete(id: string): Promise<void> {
    await this.db.delete(resumableUploads).where(eq(resumableUploads.id, id));
  }

  /**
   * Takes the lease on `id` for `ttlMs` when nobody holds it or the holder's lease ran out
   * (a process that died); renews it when `token` already holds it.
   */
  async tryLock(id: string, token: string, ttlMs: number): Promise<boolean> {
    const expiresAt = sql`now() + make_interval(secs => ${ttlMs / 1000})`;
    const rows = await this.db
      .insert(resumableUploadLocks)
      .values({ id, token, expiresAt })
      .onConflictDoUpdate({
        target: resumableUploadLocks.id,
        set: { token, expiresAt },
        setWhere: sql`${resumableUploadLocks.expiresAt} < now() or ${resumableUploadLocks.token} = ${token}`,
      })
      .returning({ id: resumableUploadLocks.id });
    return rows.length > 0;
  }

  async unlock(id: string, token: string): Promise<void> {
    await this.db
      .delete(resumableUploadLocks)
      .where(and(eq(resumableUploadLocks.id, id), eq(resumableUploadLocks.token, token)));
  }
}
