import { and, asc, eq, sql } from "drizzle-orm";
import type { Database } from "../client";
import { captionCues, materialCaptions } from "../schema";
import { textVector } from "../search";
import { deleteCaptionVectors, rebuildCaptionVectors } from "./content-vectors";

export interface CaptionTrack {
  lang: string;
  objectPath: string;
}

export interface CueRow {
  startSeconds: number;
  text: string;
}

const CUES_PER_STATEMENT = 500;

/** Caption tracks of videos and their cues, indexed for search. */
export class CaptionsRepository {
  constructor(private readonly db: Database) {}

  list(materialId: number): Promise<CaptionTrack[]> {
    return this.db
      .select({ lang: materialCaptions.lang, objectPath: materialCaptions.objectPath })
      .from(materialCaptions)
      .where(eq(materialCaptions.materialId, materialId))
      .orderBy(asc(materialCaptions.lang));
  }

  /** Creates or replaces the track and all its cues at once. */
  async replace(materialId: number, lang: string, objectPath: string, cues: readonly CueRow[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx
        .insert(materialCaptions)
        .values({ materialId, lang, objectPath })
        .onConflictDoUpdate({
          target: [materialCaptions.materialId, materialCaptions.lang],
          set: { objectPath, updatedAt: sql`now()` },
        });
      await tx.delete(captionCues).where(and(eq(captionCues.materialId, materialId), eq(captionCues.lang, lang)));
      const indexed = cues.map((cue, cueIndex) => ({ ...cue, cueIndex })).filter((cue) => cue.text !== "");
      for (let start = 0; start < indexed.length; start += CUES_PER_STATEMENT) {
        await tx.insert(captionCues).values(
          indexed.slice(start, start + CUES_PER_STATEMENT).map((cue) => ({
            materialId,
            lang,
            cueIndex: cue.cueIndex,
            startSeconds: cue.startSeconds,
            text: cue.text,
            searchVector: textVector(cue.text),
          })),
        );
      }
      await rebuildCaptionVectors(tx, materialId, lang);
    });
  }

  /** Deletes the track (its cues go with it); its object path, or undefined when there was none. */
  async remove(materialId: number, lang: string): Promise<string | undefined> {
    return this.db.transaction(async (tx) => {
      await deleteCaptionVectors(tx, materialId, lang);
      const [removed] = await tx
        .delete(materialCaptions)
        .where(and(eq(materialCaptions.materialId, materialId), eq(materialCaptions.lang, lang)))
        .returning({ objectPath: materialCaptions.objectPath });
      return removed?.objectPath;
    });
  }

  /** Deletes every track of a material; the object paths they had. */
  async removeAll(materialId: number): Promise<string[]> {
    return this.db.transaction(async (tx) => {
      await deleteCaptionVectors(tx, materialId);
      const removed = await tx
        .delete(materialCaptions)
        .where(eq(materialCaptions.materialId, materialId))
        .returning({ objectPath: materialCaptions.objectPath });
      return removed.map((row) => row.objectPath);
    });
  }
}
