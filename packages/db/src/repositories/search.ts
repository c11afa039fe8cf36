import { asc, desc, type Placeholder, type SQL, sql } from "drizzle-orm";
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

/** A row of the ranked page: the material, its best tier (3 title … 0 content) and the total of matches. */
export interface RankedRow {
  id: number;
  tier: number;
  total: number;
}

/** The ranked page's catalogue rows in rank order, with their tier and score. */
export function rankedHits(ranked: readonly RankedRow[], rows: readonly CatalogueMaterial[]): SearchHit[] {
  const byId = new Map(rows.map((row) => [row.id, row]));
  const hits: SearchHit[] = [];
  for (const { id, tier } of ranked) {
    const row = byId.get(id);
    const name = TIERS[tier] ?? "content";
    if (row) hits.push({ ...row, tier: name, score: TIER_SCORES[name] });
  }
  return hits;
}

/** A bound value, or a placeholder filled when a prepared statement runs. */
type Bound<T> = T | Placeholder;

interface QueryValues {
  tsquery: Bound<string>;
  titleTsquery: Bound<string>;
  fuzzyText: Bound<string> | null;
}

interface BoundFilters {
  type?: Bound<MaterialType>;
  uploaderId?: Bound<number>;
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

const likedBy = (viewerId: number | Placeholder | undefined): SQL<boolean> =>
  viewerId === undefined
    ? sql<boolean>`false`
    : sql<boolean>`exists (select 1 from ${likes} where ${likes.userId} = ${viewerId} and ${likes.materialId} = ${materials.id})`;

/** Full-text search over materials' titles and descriptions, PDF pages and caption cues. */
export class SearchRepository {
  constructor(private readonly db: Database) {}

  /** Prepared once per shape: planning the union costs about as much as running it. */
  private readonly preparedRanked = new Map<string, ReturnType<SearchRepository["prepareRanked"]>>();
  private preparedContentMatches: ReturnType<SearchRepository["prepareContentMatches"]> | undefined;
  private readonly preparedRows = new Map<boolean, ReturnType<SearchRepository["prepareRows"]>>();

  /**
   * Active materials matching the query anywhere, each with its best tier, as a union of index scans: the
   * title (weight A of the material's vector), a misspelt title (trigram word similarity), title or
   * description, page and caption text (through the per-material content vectors, not one row per page).
   * Tiers are numbered 3 (title) to 0 (content).
   */
  private matchingTiers(values: QueryValues): SQL {
    const tsquery = sql`to_tsquery(${SEARCH_CONFIG}, ${values.tsquery})`;
    const branches = [
      sql`select ${materials.id} as id, 3 as tier from ${materials}
           where status = 'active' and ${materials.searchVector} @@ to_tsquery(${SEARCH_CONFIG}, ${values.titleTsquery})`,
      sql`select ${materials.id}, 1 from ${materials} where status = 'active' and ${materials.searchVector} @@ ${tsquery}`,
      sql`select ${materialContentVectors.materialId}, 0 from ${materialContentVectors}
           where ${materialContentVectors.searchVector} @@ ${tsquery}`,
    ];
    if (values.fuzzyText !== null) {
      // `<%`: word similarity above pg_trgm.word_similarity_threshold (0.6); uses materials_title_trgm_idx.
      branches.push(
        sql`select ${materials.id}, 2 from ${materials} where status = 'active' and ${values.fuzzyText} <% ${materials.title}`,
      );
    }
    return sql`select id, max(tier) as tier from (${sql.join(branches, sql` union all `)}) as found group by id`;
  }

  private filters(filters: BoundFilters): SQL {
    const conditions = [sql`${materials.status} = 'active'`];
    if (filters.type !== undefined) conditions.push(sql`${materials.type} = ${filters.type}`);
    if (filters.uploaderId !== undefined) conditions.push(sql`${materials.uploaderId} = ${filters.uploaderId}`);
    return sql.join(conditions, sql` and `);
  }

  private prepareRanked(shape: { fuzzy: boolean; typed: boolean; byUploader: boolean }) {
    const values: QueryValues = {
      tsquery: sql.placeholder("tsquery"),
      titleTsquery: sql.placeholder("titleTsquery"),
      fuzzyText: shape.fuzzy ? sql.placeholder("fuzzyText") : null,
    };
    const filters: BoundFilters = {
      type: shape.typed ? sql.placeholder("type") : undefined,
      uploaderId: shape.byUploader ? sql.placeholder("uploaderId") : undefined,
    };
    const ranked = sql`
      select ${materials.id} as id, hits.tier, (count(*) over ())::int as total
        from (${this.matchingTiers(values)}) as hits
        join ${materials} on ${materials.id} = hits.id
       where ${this.filters(filters)}
       order by hits.tier desc, ${materials.likeCount} desc, ${materials.id} desc
       limit ${sql.placeholder("limit")} offset ${sql.placeholder("offset")}`;
    return this.db
      .select({ id: sql<number>`id`, tier: sql<number>`tier`, total: sql<number>`total` })
      .from(sql`(${ranked}) as ranked`)
      .prepare(`search_ranked_${shape.fuzzy}_${shape.typed}_${shape.byUploader}`);
  }

  /** One page of (id, tier), best first, with the total, in one prepared statement. */
  rankedPage(request: SearchPage): Promise<RankedRow[]> {
    const shape = {
      fuzzy: request.query.fuzzyText !== null,
      typed: request.type !== undefined,
      byUploader: request.uploaderId !== undefined,
    };
    const key = `${shape.fuzzy}:${shape.typed}:${shape.byUploader}`;
    let prepared = this.preparedRanked.get(key);
    if (!prepared) {
      prepared = this.prepareRanked(shape);
      this.preparedRanked.set(key, prepared);
    }
    return prepared.execute({
      tsquery: request.query.tsquery,
      titleTsquery: request.query.titleTsquery,
      fuzzyText: request.query.fuzzyText,
      type: request.type,
      uploaderId: request.uploaderId,
      limit: request.pageSize,
      offset: (request.page - 1) * request.pageSize,
    });
  }

  /**
   * One page of matching materials, best first, and how many there are in all: the ranked page, then its
   * catalogue rows. (`GET /search` runs the two steps itself, to read the page's matches beside the rows.)
   */
  async search(request: SearchPage): Promise<{ hits: SearchHit[]; total: number }> {
    const ranked = await this.rankedPage(request);
    const rows = await this.catalogueRows(
      ranked.map((row) => row.id),
      request.viewerId,
    );
    return { hits: rankedHits(ranked, rows), total: await this.totalOf(ranked, request) };
  }

  /** The total from a ranked page; counted apart for a page past the end, which has no row to carry it. */
  async totalOf(ranked: readonly RankedRow[], request: SearchPage): Promise<number> {
    const first = ranked[0];
    if (first) return first.total;
    return request.page > 1 ? this.count(request.query, request) : 0;
  }

  /** The catalogue rows (list item shape) of `ids`, in no particular order. */
  catalogueRows(ids: readonly number[], viewerId: number | undefined): Promise<CatalogueMaterial[]> {
    if (ids.length === 0) return Promise.resolve([]);
    const signedIn = viewerId !== undefined;
    let prepared = this.preparedRows.get(signedIn);
    if (!prepared) {
      prepared = this.prepareRows(signedIn);
      this.preparedRows.set(signedIn, prepared);
    }
    return prepared.execute({ ids: [...ids], viewerId });
  }

  private prepareRows(signedIn: boolean) {
    return this.db
      .select({
        ...materialColumns,
        uploaderName: users.name,
        uploaderAvatar: users.avatarUrl,
        isLiked: likedBy(signedIn ? sql.placeholder("viewerId") : undefined),
      })
      .from(materials)
      .innerJoin(users, sql`${users.id} = ${materials.uploaderId}`)
      .where(sql`${materials.id} = any(${sql.placeholder("ids")}::int[])`)
      .prepare(`search_rows_${signedIn}`);
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
    this.preparedContentMatches ??= this.prepareContentMatches();
    return this.preparedContentMatches.execute({ ids: [...materialIds], tsquery: query.tsquery });
  }

  private prepareContentMatches() {
    const tsquery = sql`to_tsquery(${SEARCH_CONFIG}, ${sql.placeholder("tsquery")})`;
    const ids = sql`${sql.placeholder("ids")}::int[]`;
    const matches = sql`
      select material_id, field, page, start_seconds, text, rank, nth from (
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
      where nth <= ${sql.raw(String(CONTENT_MATCHES_PER_MATERIAL))}`;
    return this.db
      .select({
        materialId: sql<number>`material_id`,
        field: sql<"page" | "caption">`field`,
        page: sql<number | null>`page`,
        startSeconds: sql<number | null>`start_seconds`,
        text: sql<string>`text`,
        rank: sql<number>`rank`,
      })
      .from(sql`(${matches}) as best`)
      .orderBy(sql`material_id`, sql`nth`)
      .prepare("search_content_matches");
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
