import { asc, desc, type SQL, sql } from "drizzle-orm";
import type { Database } from "../client";
import { SEARCH_CONFIG, type SearchQuery } from "../search";
import { captionCues, likes, type MaterialType, materialPages, materials, users } from "../schema";
import { type CatalogueMaterial, type MaterialSortBy, materialColumns, type SortOrder } from "./materials";

/** Which of a material's own texts matched, best first; `content` is page or caption text. */
export type MatchTier = "title" | "fuzzy_title" | "description" | "content";

/**
 * Scores by tier: a title match above a misspelt title, above the description, above page and caption text.
 * Within a tier results are ordered by like count then id, so pages are stable.
 */
export const TIER_SCORES: Record<MatchTier, number> = { title: 1, fuzzy_title: 0.8, description: 0.6, content: 0.4 };

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
   * Ids of active materials matching `query` anywhere, as a union of index scans: the material's own vector,
   * trigram similarity of the title (misspellings), page text, caption cues. Filters apply afterwards.
   */
  private matchingIds(query: SearchQuery): SQL {
    const tsquery = sql`to_tsquery(${SEARCH_CONFIG}, ${query.tsquery})`;
    const branches = [
      sql`select ${materials.id} as id from ${materials} where status = 'active' and ${materials.searchVector} @@ ${tsquery}`,
      sql`select ${materialPages.materialId} from ${materialPages} where ${materialPages.searchVector} @@ ${tsquery}`,
      sql`select ${captionCues.materialId} from ${captionCues} where ${captionCues.searchVector} @@ ${tsquery}`,
    ];
    if (query.fuzzyText !== null) {
      // `<%`: word similarity above pg_trgm.word_similarity_threshold; uses materials_title_trgm_idx.
      branches.push(sql`select ${materials.id} from ${materials} where status = 'active' and ${query.fuzzyText} <% ${materials.title}`);
    }
    return sql.join(branches, sql` union `);
  }

  private tierCase(query: SearchQuery): SQL<MatchTier> {
    const fuzzy =
      query.fuzzyText === null ? sql`` : sql`when ${query.fuzzyText} <% ${materials.title} then 'fuzzy_title'`;
    return sql<MatchTier>`case
      when ${materials.searchVector} @@ to_tsquery(${SEARCH_CONFIG}, ${query.titleTsquery}) then 'title'
      ${fuzzy}
      when ${materials.searchVector} @@ to_tsquery(${SEARCH_CONFIG}, ${query.tsquery}) then 'description'
      else 'content' end`;
  }

  private filters(filters: SearchFilters): SQL {
    const conditions = [sql`${materials.status} = 'active'`];
    if (filters.type !== undefined) conditions.push(sql`${materials.type} = ${filters.type}`);
    if (filters.uploaderId !== undefined) conditions.push(sql`${materials.uploaderId} = ${filters.uploaderId}`);
    return sql.join(conditions, sql` and `);
  }

  /** One page of matching materials, best first, and how many there are in all. */
  async search(request: SearchPage): Promise<{ hits: SearchHit[]; total: number }> {
    const score = sql.join(
      (Object.entries(TIER_SCORES) as [MatchTier, number][]).map(
        ([tier, value]) => sql`when ${sql.raw(`'${tier}'`)} then ${sql.raw(String(value))}`,
      ),
      sql` `,
    );
    const ranked = this.db.$with("ranked").as(
      this.db
        .select({ id: materials.id, likeCount: materials.likeCount, tier: this.tierCase(request.query).as("tier") })
        .from(materials)
        .where(sql`${materials.id} in (${this.matchingIds(request.query)}) and ${this.filters(request)}`),
    );
    const scored = this.db.$with("scored").as(
      this.db
        .select({
          id: ranked.id,
          likeCount: ranked.likeCount,
          tier: ranked.tier,
          score: sql<number>`(case ${ranked.tier} ${score} end)::float8`.as("score"),
          total: sql<number>`(count(*) over ())::int`.as("total"),
        })
        .from(ranked),
    );
    const page = this.db.$with("page").as(
      this.db
        .with(scored)
        .select()
        .from(scored)
        .orderBy(desc(scored.score), desc(scored.likeCount), desc(scored.id))
        .limit(request.pageSize)
        .offset((request.page - 1) * request.pageSize),
    );
    const rows = await this.db
      .with(ranked, page)
      .select({
        ...materialColumns,
        uploaderName: users.name,
        uploaderAvatar: users.avatarUrl,
        isLiked: likedBy(request.viewerId),
        tier: page.tier,
        score: page.score,
        total: page.total,
      })
      .from(page)
      .innerJoin(materials, sql`${materials.id} = ${page.id}`)
      .innerJoin(users, sql`${users.id} = ${materials.uploaderId}`)
      .orderBy(desc(page.score), desc(page.likeCount), desc(page.id));
    const total = rows[0]?.total ?? (request.page > 1 ? await this.count(request.query, request) : 0);
    return { hits: rows.map(({ total: _total, ...hit }) => hit), total };
  }

  /** How many active materials match (for a page past the end, where the page query returns no row). */
  async count(query: SearchQuery, filters: SearchFilters): Promise<number> {
    const [row] = await this.db
      .select({ total: sql<number>`count(*)::int` })
      .from(materials)
      .where(sql`${materials.id} in (${this.matchingIds(query)}) and ${this.filters(filters)}`);
    return row?.total ?? 0;
  }

  /** One page of matching materials in the catalogue list's own order (`GET /materials?q=`). */
  listMatching(request: MatchingListQuery): Promise<CatalogueMaterial[]> {
    const column = { created_at: materials.createdAt, view_count: materials.viewCount, like_count: materials.likeCount }[
      request.sortBy
    ];
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
      .where(sql`${materials.id} in (${this.matchingIds(request.query)}) and ${this.filters(request)}`)
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
    const tsquery = sql`to_tsquery(${SEARCH_CONFIG}, ${query.tsquery})`;
    const ids = sql`${sql.param([...materialIds])}::int[]`;
    const result = await this.db.execute<{
      material_id: number;
      field: "page" | "caption";
      page: number | null;
      start_seconds: number | null;
      text: string;
      rank: number;
    }>(sql`
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
      order by material_id, nth`);
    return result.map((row) => ({
      materialId: row.material_id,
      field: row.field,
      page: row.page,
      startSeconds: row.start_seconds,
      text: row.text,
      rank: row.rank,
    }));
  }

  /** The lexemes PostgreSQL made of the query's spaced-script words (for marking them in snippets). */
  async stems(query: SearchQuery): Promise<string[]> {
    const words = query.tokens.filter((token) => !token.cjk).map((token) => token.text);
    if (words.length === 0) return [];
    const [row] = await this.db.execute<{ stems: string[] }>(
      sql`select tsvector_to_array(to_tsvector(${SEARCH_CONFIG}, ${words.join(" ")})) as stems`,
    );
    return row?.stems ?? [];
  }
}
