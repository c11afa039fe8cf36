import { sql } from "drizzle-orm";
import type { Database } from "../client";
import { captionCues, materialContentVectors, materialPages } from "../schema";

/** A database or a transaction: anything that runs a statement. */
type Executor = Pick<Database, "execute">;

/** Pages per content vector: even dense Chinese pages stay well under a tsvector's 1 MB. */
export const PAGES_PER_CHUNK = 20;
export const CUES_PER_CHUNK = 500;

export const PAGES_SOURCE = "pages";
export const captionsSource = (lang: string): string => `captions:${lang}`;

const vectors = materialContentVectors;

/** Rebuilds the material's page content vectors from its page vectors (same lexemes, no positions). */
export async function rebuildPageVectors(db: Executor, materialId: number): Promise<void> {
  await db.execute(
    sql`delete from ${vectors} where ${vectors.materialId} = ${materialId} and ${vectors.source} = ${PAGES_SOURCE}`,
  );
  await db.execute(sql`
    insert into ${vectors} (material_id, source, chunk, search_vector)
    select ${materialPages.materialId}, ${PAGES_SOURCE}, (${materialPages.pageNumber} - 1) / ${PAGES_PER_CHUNK},
           array_to_tsvector(array_agg(distinct lexeme))
      from ${materialPages}, unnest(tsvector_to_array(${materialPages.searchVector})) as lexeme
     where ${materialPages.materialId} = ${materialId}
     group by 1, 3`);
}

/** Rebuilds the content vectors of one caption track from its cues. */
export async function rebuildCaptionVectors(db: Executor, materialId: number, lang: string): Promise<void> {
  const source = captionsSource(lang);
  await deleteCaptionVectors(db, materialId, lang);
  await db.execute(sql`
    insert into ${vectors} (material_id, source, chunk, search_vector)
    select ${captionCues.materialId}, ${source}, ${captionCues.cueIndex} / ${CUES_PER_CHUNK},
           array_to_tsvector(array_agg(distinct lexeme))
      from ${captionCues}, unnest(tsvector_to_array(${captionCues.searchVector})) as lexeme
     where ${captionCues.materialId} = ${materialId} and ${captionCues.lang} = ${lang}
     group by 1, 3`);
}

export async function deleteCaptionVectors(db: Executor, materialId: number, lang?: string): Promise<void> {
  const which =
    lang === undefined ? sql`${vectors.source} like 'captions:%'` : sql`${vectors.source} = ${captionsSource(lang)}`;
  await db.execute(sql`delete from ${vectors} where ${vectors.materialId} = ${materialId} and ${which}`);
}

export async function deletePageVectors(db: Executor, materialId: number): Promise<void> {
  await db.execute(
    sql`delete from ${vectors} where ${vectors.materialId} = ${materialId} and ${vectors.source} = ${PAGES_SOURCE}`,
  );
}
