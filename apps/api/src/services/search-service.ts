import type { MaterialType } from "@learning-hub/db";
import { type SearchHit, SearchRepository } from "@learning-hub/db/repositories/search";
import { buildSearchQuery, createHighlighter, type Highlighter, type SearchQuery } from "@learning-hub/db/search";
import type { ServiceDependencies } from "../dependencies";
import { invalidSearchQuery } from "../errors/app-error";
import { toMaterialListItem } from "../schemas/material";
import { MAX_QUERY_LENGTH, type SearchMatch, type SearchPage } from "../schemas/search";
import { pageOf } from "./paging";

export const MATCHES_PER_RESULT = 3;

export interface SearchInput {
  q: string;
  page: number;
  pageSize: number;
  type?: MaterialType;
  uploaderId?: number;
  /** The caller, for `is_liked`. */
  userId?: number;
}

/**
 * `q` trimmed and checked: 1-200 characters. Null when it has nothing searchable (only punctuation), which
 * matches nothing rather than being an error.
 */
export function parseQuery(q: string, field = "q"): SearchQuery | null {
  const trimmed = q.trim();
  const length = Array.from(trimmed).length;
  if (length === 0 || length > MAX_QUERY_LENGTH) {
    throw invalidSearchQuery(field, MAX_QUERY_LENGTH);
  }
  return buildSearchQuery(trimmed);
}

const hasMark = (snippet: string) => snippet.includes("<mark>");

/** Title and description first (in that order, when they matched), then page and caption text by rank. */
function matchesOf(hit: SearchHit, snippet: Highlighter): SearchMatch[] {
  const matches: SearchMatch[] = [];
  const { material, tier } = hit;
  const title = snippet(material.title);
  if (tier === "title" || tier === "fuzzy_title" || hasMark(title)) {
    matches.push({ field: "title", page: null, start_seconds: null, snippet: title });
  }
  if (material.description) {
    const description = snippet(material.description);
    if (tier === "description" || hasMark(description)) {
      matches.push({ field: "description", page: null, start_seconds: null, snippet: description });
    }
  }
  for (const match of hit.contentMatches) {
    if (matches.length >= MATCHES_PER_RESULT) break;
    matches.push({
      field: match.field,
      page: match.page,
      start_seconds: match.startSeconds,
      snippet: snippet(match.text),
    });
  }
  return matches.slice(0, MATCHES_PER_RESULT);
}

/** `GET /search`: materials whose title, description, page text or captions match, with snippets. */
export class SearchService {
  constructor(private readonly repository: SearchRepository) {}

  async search(input: SearchInput): Promise<SearchPage> {
    const query = parseQuery(input.q);
    if (!query) return { ...pageOf([], 0, input), total_capped: false };
    const { hits, total, totalCapped, stems } = await this.repository.searchPage({
      query,
      page: input.page,
      pageSize: input.pageSize,
      type: input.type,
      uploaderId: input.uploaderId,
      viewerId: input.userId,
    });
    const snippet = createHighlighter({
      stems,
      cjk: query.tokens.filter((token) => token.cjk).map((token) => token.text),
    });
    const items = hits.map((hit) => ({
      material: toMaterialListItem(hit.material),
      score: hit.score,
      matches: matchesOf(hit, snippet),
    }));
    return { ...pageOf(items, total, input), total_capped: totalCapped };
  }
}

export function createSearchService(deps: ServiceDependencies): SearchService {
  return new SearchService(new SearchRepository(deps.database.db));
}
