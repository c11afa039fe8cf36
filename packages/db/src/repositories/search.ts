import { asc, desc, type SQL, sql } from "drizzle-orm";
import type { Database } from "../client";
import {
  captionCues,
  likes,
  type MaterialType,
  materialContentVectors,
  materialPages,
  materials,
  users,
} from "../schema";
import { SEARCH_CONFIG, type SearchQuery } from "../search";
import { type CatalogueMaterial, type MaterialSortBy, materialColumns, type SortOrder } from "./materials";

/** Which of a material's own texts matched, best first; `content` is page or caption text. */
export type MatchTier = "title" | "fuzzy_title" | "description" | "content";

/**
 * Scores by tier: a title match above a misspelt title, above the description, above page and caption text.
 * Within a tier results are ordered by like count then id, so pages are stable.
 */
export const TIER_SCORES: Record<MatchTier, number> = { title: 1, fuzzy_title: 0.8, description: 0.6, content: 0.4 };
/** Tiers as the SQL numbers them. */
const TIERS: readonly MatchTier[] = ["content", "description", "fuzzy_title", "title"];

export interface SearchFilters {
  type?: MaterialType;
  uploaderId?: number;
}

export interface SearchPage extends SearchFilters {
  query: SearchQuery;
  /** 1-based. */
  page: number;
  pageSize: number;
  viewerId?: number;
}

export interface SearchHit extends CatalogueMaterial {
  tier: MatchTier;
  score: number;
}

export interface ContentMatch {
  materialId: number;
  field: "page" | "caption";
  page: number | null;
  startSeconds: number | null;
  text: string;
  rank: number;
}

export interface MatchingListQuery extends SearchFilters {
  query: SearchQuery;
  page: number;
  pageSize: number;
  sortBy: MaterialSortBy;
  sortOrder: SortOrder;
  viewerId?: number;
}

/** Page and caption matches returned per material: enough to pick the best three after title/description. */
const CONTENT_MATCHES_PER_MATERIAL = 3;

const likedBy = (viewerId: number | undefined): SQL<boolean> =>
  viewerId === undefined
    ? sql<boolean>`false`
    : sql<boolean>`exists (select 1 from ${likes} where ${likes.userId} = ${viewerId} and ${likes.materialId} = ${materials.id})`;

/** Full-text search over materials' titles and descriptions, PDF pages and caption cues. */
export class SearchRepository {
  constructor(private readonly db: Database) {}

  /**
   * Active materials matching `query` anywhere, each with its best tier, as a union of index scans: the
   * title (weight A of the material's vector), a misspelt title (trigram word similarity), title or
   * description, page and caption text (through the per-material content vectors, not one row per page).
   * Tiers are numbered 3 (title) to 0 (content).
   */
  private matchingTiers(query: SearchQuery): SQL {
    const tsquery = sql`to_tsquery(${SEARCH_CONFIG}, ${query.tsquery})`;
    const branches = [
      sql`select ${materials.id} as id, 3 as tier from ${materials}
           where status = 'active' and ${materials.searchVector} @@ to_tsquery(${SEARCH_CONFIG}, ${query.titleTsquery})`,
      sql`select ${materials.id}, 1 from ${materials} where status = 'active' and ${materials.searchVector} @@ ${tsquery}`,
      sql`select ${materialContentVectors.materialId}, 0 from ${materialContentVectors}
           where ${materialContentVectors.searchVector} @@ ${tsquery}`,
    ];
    if (query.fuzzyText !== null) {
      // `<%`: word similarity above pg_trgm.word_similarity_threshold (0.6); uses materials_title_trgm_idx.
      branches.push(
        sql`select ${materials.id}, 2 from ${materials} where status = 'active' and ${query.fuzzyText} <% ${materials.title}`,
      );
    }
    return sql`select id, max(tier) as tier from (${sql.join(branches, sql` union all `)}) as found group by id`;
  }

  private filters(filters: SearchFilters): SQL {
    const conditions = [sql`${materials.status} = 'active'`];
    if (filters.type !== undefined) conditions.push(sql`${materials.type} = ${filters.type}`);
    if (filters.uploaderId !== undefined) conditions.push(sql`${materials.uploaderId} = ${filters.uploaderId}`);
    return sql.join(conditions, sql` and `);
  }

  /** The page of (id, tier) of `search`, with the total, in one statement. */
  private rankedPageStatement(request: SearchPage): SQL {
    return sql`
      select ${materials.id} as id, hits.tier, (count(*) over ())::int as total
        from (${this.matchingTiers(request.query)}) as hits
        join ${materials} on ${materials.id} = hits.id
       where ${this.filters(request)}
       order by hits.tier desc, ${materials.likeCount} desc, ${materials.id} desc
       limit ${request.pageSize} offset ${(request.page - 1) * request.pageSize}`;
  }

  /** One page of matching materials, best first, and how many there are in all. */
  async search(request: SearchPage): Promise<{ hits: SearchHit[]; total: number }> {
    const ranked = await this.db.execute<{ id: number; tier: number; total: number }>(
      this.rankedPageStatement(request),
    );
    const first = ranked[0];
    if (!first) return { hits: [], total: request.page > 1 ? await this.count(request.query, request) : 0 };
    const rows = await this.catalogueRows(
      ranked.map((row) => row.id),
      request.viewerId,
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    const hits: SearchHit[] = [];
    for (const { id, tier } of ranked) {
      const row = byId.get(id);
      const name = TIERS[tier] ?? "content";
      if (row) hits.push({ ...row, tier: name, score: TIER_SCORES[name] });
    }
    return { hits, total: first.total };
  }

  /** The catalogue rows (list item shape) of `ids`, in no particular order. */
  private catalogueRows(ids: readonly number[], viewerId: number | undefined): Promise<CatalogueMaterial[]> {
    return this.db
      .select({
        ...materialColumns,
        uploaderName: users.name,
        uploaderAvatar: users.avatarUrl,
        isLiked: likedBy(viewerId),
      })
      .from(materials)
      .innerJoin(users, sql`${users.id} = ${materials.uploaderId}`)
      .where(sql`${materials.id} = any(${sql.param([...ids])}::int[])`);
  }

  /** How many active materials match (for a page past the end, where the page query returns no row). */
  async count(query: SearchQuery, filters: SearchFilters): Promise<number> {
    const [row] = await this.db
      .select({ total: sql<number>`count(*)::int` })
      .from(materials)
      .where(
        sql`${materials.id} in (select id from (${this.matchingTiers(query)}) as hits) and ${this.filters(filters)}`,
      );
    return row?.total ?? 0;
  }

  /** One page of matching materials in the catalogue list's own order (`GET /materials?q=`). */
  listMatching(request: MatchingListQuery): Promise<CatalogueMaterial[]> {
    const column = {
      created_at: materials.createdAt,
      view_count: materials.viewCount,
      like_count: materials.likeCount,
    }[request.sortBy];
    const direction = request.sortOrder === "asc" ? asc : desc;
    return this.db
      .select({
        ...materialColumns,
        uploaderName: users.name,
        uploaderAvatar: users.avatarUrl,
        isLiked: likedBy(request.viewerId),
      })
      .from(materials)
      .innerJoin(users, sql`${users.id} = ${materials.uploaderId}`)
      .where(
        sql`${materials.id} in (select id from (${this.matchingTiers(request.query)}) as hits) and ${this.filters(request)}`,
      )
      .orderBy(direction(column), direction(materials.id))
      .limit(request.pageSize)
      .offset((request.page - 1) * request.pageSize);
  }

  /**
   * The best page and caption matches of each material, by rank then position: up to three per material,
   * with their text for snippets.
   */
  async contentMatches(materialIds: readonly number[], query: SearchQuery): Promise<ContentMatch[]> {
    if (materialIds.length === 0) return [];
    const result = await this.db.execute<{
      material_id: number;
      field: "page" | "caption";
      page: number | null;
      start_seconds: number | null;
      text: string;
      rank: number;
    }>(this.contentMatchesStatement(materialIds, query));
    return result.map((row) => ({
      materialId: row.material_id,
      field: row.field,
      page: row.page,
      startSeconds: row.start_seconds,
      text: row.text,
      rank: row.rank,
    }));
  }

  private contentMatchesStatement(materialIds: readonly number[], query: SearchQuery): SQL {
    const tsquery = sql`to_tsquery(${SEARCH_CONFIG}, ${query.tsquery})`;
    const ids = sql`${sql.param([...materialIds])}::int[]`;
    return sql`
      select material_id, field, page, start_seconds, text, rank from (
        select *, row_number() over (partition by material_id order by rank desc, position) as nth from (
          select ${materialPages.materialId} as material_id, 'page' as field, ${materialPages.pageNumber} as page,
                 null::float8 as start_seconds, ${materialPages.text} as text,
                 ts_rank(${materialPages.searchVector}, ${tsquery}) as rank, ${materialPages.pageNumber}::float8 as position
            from ${materialPages}
           where ${materialPages.materialId} = any(${ids}) and ${materialPages.searchVector} @@ ${tsquery}
          union all
          select ${captionCues.materialId}, 'caption', null, ${captionCues.startSeconds}::float8, ${captionCues.text},
                 ts_rank(${captionCues.searchVector}, ${tsquery}), ${captionCues.startSeconds}::float8
            from ${captionCues}
           where ${captionCues.materialId} = any(${ids}) and ${captionCues.searchVector} @@ ${tsquery}
        ) as matches
      ) as numbered
      where nth <= ${CONTENT_MATCHES_PER_MATERIAL}
      order by material_id, nth`;
  }

  /** The lexemes PostgreSQL made of the query's spaced-script words (for marking them in snippets). */
  async stems(query: SearchQuery): Promise<string[]> {
    if (query.tokens.every((token) => token.cjk)) return [];
    const [row] = await this.db.execute<{ stems: string[] }>(this.stemsStatement(query));
    return row?.stems ?? [];
  }

  private stemsStatement(query: SearchQuery): SQL {
    const words = query.tokens.filter((token) => !token.cjk).map((token) => token.text);
    return sql`select tsvector_to_array(to_tsvector(${SEARCH_CONFIG}, ${words.join(" ")})) as stems`;
  }
}
