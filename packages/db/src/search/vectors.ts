import { type SQL, sql } from "drizzle-orm";
import { searchDocument } from "./tokenize";

/**
 * The `english` configuration stems the words of spaced scripts and leaves CJK bigrams as they are; it is
 * given pre-tokenised text only (see tokenize.ts), so the result does not depend on the database's locale.
 */
export const SEARCH_CONFIG = sql.raw("'english'::regconfig");

/** The search vector of a piece of text (a page, a cue). */
export function textVector(text: string): SQL<string> {
  return sql<string>`to_tsvector(${SEARCH_CONFIG}, ${searchDocument(text)})`;
}

/** A material's own search vector: title weighted A (ranked first), description B. */
export function materialVector(title: string, description: string | null): SQL<string> {
  return sql<string>`setweight(to_tsvector(${SEARCH_CONFIG}, ${searchDocument(title)}), 'A') || setweight(to_tsvector(${SEARCH_CONFIG}, ${searchDocument(description)}), 'B')`;
}
