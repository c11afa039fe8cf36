import { and, asc, eq, gt, sql } from "drizzle-orm";
import type { Database } from "../client";
import { type MaterialStatus, type MaterialType, materialPages, materials, type TextStatus } from "../schema";
import { materialVector, textVector } from "../search";
import { deletePageVectors, rebuildPageVectors } from "./content-vectors";

/** What text extraction needs to know about a material. */
export interface TextSubject {
  id: number;
  type: MaterialType;
  filePath: string;
  status: MaterialStatus;
  textStatus: TextStatus;
}

export interface PageText {
  pageNumber: number;
  text: string;
}

/** Materials the backfill still has to index, in id order so a run can resume after the last id it did. */
export interface BackfillCandidate {
  id: number;
  title: string;
  description: string | null;
  /** The material's own vector is missing (it predates search). */
  needsVector: boolean;
  /** A PDF whose pages were never extracted. */
  needsPages: boolean;
}

/** Rows per insert statement: well under PostgreSQL's 65,535 bind parameters, and bounded memory. */
const PAGES_PER_STATEMENT = 200;
const isActive = sql`${materials.status} = 'active'`;

/** Writes of the search index: a material's vector, a PDF's pages and its `text_status`. */
export class TextIndexRepository {
  constructor(private readonly db: Database) {}

  async findSubject(materialId: number): Promise<TextSubject | undefined> {
    const [row] = await this.db
      .select({
        id: materials.id,
        type: materials.type,
        filePath: materials.filePath,
        status: materials.status,
        textStatus: materials.textStatus,
      })
      .from(materials)
      .where(eq(materials.id, materialId));
    return row;
  }

  /**
   * Replaces the material's pages and records the outcome in one transaction: `completed` with pages,
   * `no_text` without (a scan). False, with nothing written, when the material is gone or no longer active.
   */
  async replacePages(materialId: number, pages: readonly PageText[], note: string | null): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const [locked] = await tx
        .select({ id: materials.id })
        .from(materials)
        .where(and(eq(materials.id, materialId), isActive))
        .for("update");
      if (!locked) return false;
      await tx.delete(materialPages).where(eq(materialPages.materialId, materialId));
      for (let start = 0; start < pages.length; start += PAGES_PER_STATEMENT) {
        await tx.insert(materialPages).values(
          pages.slice(start, start + PAGES_PER_STATEMENT).map((page) => ({
            materialId,
            pageNumber: page.pageNumber,
            text: page.text,
            searchVector: textVector(page.text),
          })),
        );
      }
      await rebuildPageVectors(tx, materialId);
      await tx
        .update(materials)
        .set({ textStatus: pages.length > 0 ? "completed" : "no_text", textNote: note })
        .where(eq(materials.id, materialId));
      return true;
    });
  }

  /** Records an extraction that failed for good; its pages (if any) stay as they were. */
  async markFailed(materialId: number, reason: string): Promise<boolean> {
    const updated = await this.db
      .update(materials)
      .set({ textStatus: "failed", textNote: reason })
      .where(and(eq(materials.id, materialId), isActive))
      .returning({ id: materials.id });
    return updated.length > 0;
  }

  /** Active materials after `afterId` that lack their own vector or (PDFs) their pages, in id order. */
  findBackfillCandidates(afterId: number, limit: number): Promise<BackfillCandidate[]> {
    return (
      this.db
        .select({
          id: materials.id,
          title: materials.title,
          description: materials.description,
          needsVector: sql<boolean>`${materials.searchVector} is null`,
          needsPages: sql<boolean>`${materials.type} = 'pdf' and ${materials.textStatus} = 'pending'`,
        })
        .from(materials)
        // The partial index materials_text_backfill_idx is on exactly this predicate.
        .where(
          and(
            sql`status = 'active' and (search_vector is null or (type = 'pdf' and text_status = 'pending'))`,
            gt(materials.id, afterId),
          ),
        )
        .orderBy(asc(materials.id))
        .limit(limit)
    );
  }

  async setMaterialVector(materialId: number, title: string, description: string | null): Promise<void> {
    await this.db
      .update(materials)
      .set({ searchVector: materialVector(title, description) })
      .where(eq(materials.id, materialId));
  }

  /** Removes a material's page text (its file is gone for good). */
  async deletePages(materialId: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      await deletePageVectors(tx, materialId);
      await tx.delete(materialPages).where(eq(materialPages.materialId, materialId));
    });
  }
}
