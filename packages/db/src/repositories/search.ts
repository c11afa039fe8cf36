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

export interface ContentMatch {
  field: "page" | "caption";
  page: number | null;
  startSeconds: number | null;
  text: string;
}

export interface SearchHit {
  material: CatalogueMaterial;
  tier: MatchTier;
  score: number;
  /** Its best page and caption matches (up to three), by rank then position. */
  contentMatches: ContentMatch[];
}

/** One page of results. */
export interface SearchResults {
  hits: SearchHit[];
  /** How many active materials match, counted up to SEARCH_TOTAL_CAP. */
  total: number;
  /** Whether more than `total` (that is, more than SEARCH_TOTAL_CAP) materials match. */
  totalCapped: boolean;
  /** The lexemes PostgreSQL made of the query's spaced-script words (for marking them in snippets). */
  stems: string[];
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

/**
 * `total` counts matching materials up to this many, then stops: an exact count reads every match (thousands for
 * a common word on a million pages) where the page itself needs only the best few. `totalCapped` says when more match.
 * 500 (25 pages of 20): at a million pages, counting to 1,000 was most of the statement's time (bench/search).
 */
export const SEARCH_TOTAL_CAP = 500;

/** What varies the search statement's text; everything else is a bind parameter. */
interface SearchShape {
  fuzzy: boolean;
  typed: boolean;
  byUploader: boolean;
  signedIn: boolean;
}

/** Full-text search over materials' titles and descriptions, PDF pages and caption cues. */
export class SearchRepository {
  constructor(private readonly db: Database) {}

  /** Prepared once per shape: planning the statement costs about as much as running it. */
  private readonly preparedSearches = new Map<string, ReturnType<SearchRepository["prepareSearch"]>>();

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

  /**
   * The page of results, computed tier by tier rather than by ranking every match. A material's own texts
   * (title, description) are short, so the materials matching them ("own") are few and are all read, with
   * their tier. Page and caption matches are many; they are read (as materials, with their like count) only
   * when the own matches do not fill the page, and otherwise only counted, up to the cap. The content
   * matches are a materialised CTE so that PostgreSQL always finds them through the content vectors' GIN
   * index: evaluating `@@` row by row would decompress every vector.
   */
  private rankedPage(shape: SearchShape): SQL {
    const tsquery = sql`to_tsquery(${SEARCH_CONFIG}, ${sql.placeholder("tsquery")})`;
    const titleTsquery = sql`to_tsquery(${SEARCH_CONFIG}, ${sql.placeholder("titleTsquery")})`;
    const fuzzyText = sql.placeholder("fuzzyText");
    const need = sql.placeholder("need");
    const cap = sql.placeholder("cap");
    const filters = this.filters({
      type: shape.typed ? sql.placeholder("type") : undefined,
      uploaderId: shape.byUploader ? sql.placeholder("uploaderId") : undefined,
    });
    const vectors = materialContentVectors;
    // `<%`: word similarity above pg_trgm.word_similarity_threshold (0.6); uses materials_title_trgm_idx.
    const fuzzyTier = shape.fuzzy ? sql`when ${fuzzyText} <% title then 2` : sql``;
    const fuzzyMatch = shape.fuzzy ? sql`or ${fuzzyText} <% title` : sql``;
    return sql`
      with own as materialized (
        select id, like_count, case when search_vector @@ ${titleTsquery} then 3 ${fuzzyTier} else 1 end as tier
          from ${materials}
         where ${filters} and (search_vector @@ ${tsquery} ${fuzzyMatch})
      ),
      own_count as materialized (select count(*)::int as n from own),
      content as materialized (
        -- One row per material (the first of its matching vectors), with its like count. Both "offset 0" keep
        -- a per-row primary key probe, so the rows stream and counting can stop at the cap: joined freely,
        -- PostgreSQL would read all active materials, or hash every matching vector a second time.
        select cv.material_id as id, m.like_count
          from ${vectors} as cv
          cross join lateral (select like_count from ${materials} where id = cv.material_id and ${filters} offset 0) as m
         where cv.search_vector @@ ${tsquery}
           and cv.material_id not in (select id from own)
           and not exists (
             select 1 from ${vectors} as earlier
              where earlier.material_id = cv.material_id and (earlier.source, earlier.chunk) < (cv.source, cv.chunk)
                and earlier.search_vector @@ ${tsquery}
             offset 0)
      ),
      content_page as (
        select id, like_count, 0 as tier from content
         where (select n from own_count) < ${need}
         order by like_count desc, id desc
         limit ${need}
      ),
      totals as materialized (
        select (select n from own_count) + (
          select count(*)::int from (
            select from content limit greatest(0, ${cap} + 1 - (select n from own_count))
          ) as counted) as n
      )
      select id, tier, least(n, ${cap}) as total, n > ${cap} as capped
        from (select id, like_count, tier from own union all select id, like_count, tier from content_page) as found,
             totals
       order by tier desc, like_count desc, id desc
       limit ${sql.placeholder("limit")} offset ${sql.placeholder("offset")}`;
  }

  /** The best page and caption matches of the material of the row, by rank then position, as JSON. */
  private bestContentMatches(): SQL<ContentMatch[]> {
    const tsquery = sql`to_tsquery(${SEARCH_CONFIG}, ${sql.placeholder("tsquery")})`;
    return sql<ContentMatch[]>`(
      select coalesce(json_agg(json_build_object('field', field, 'page', page, 'startSeconds', start_seconds,
                                                 'text', text) order by rank desc, position), '[]'::json)
        from (
          select * from (
            select 'page' as field, page_number as page, null::float8 as start_seconds, text,
                   ts_rank(search_vector, ${tsquery}) as rank, page_number::float8 as position
              from ${materialPages}
             where material_id = ${materials.id} and search_vector @@ ${tsquery}
            union all
            select 'caption', null, start_seconds::float8, text, ts_rank(search_vector, ${tsquery}), start_seconds::float8
              from ${captionCues}
             where material_id = ${materials.id} and search_vector @@ ${tsquery}
          ) as matches
          order by rank desc, position
          limit ${sql.raw(String(CONTENT_MATCHES_PER_MATERIAL))}
        ) as best)`;
  }

  /**
   * The whole answer in one statement: the ranked page joined to its catalogue rows, each with its best page
   * and caption matches, the total, and the stems of the query's words.
   */
  private prepareSearch(shape: SearchShape) {
    return this.db
      .select({
        material: {
          ...materialColumns,
          uploaderName: users.name,
          uploaderAvatar: users.avatarUrl,
          isLiked: likedBy(shape.signedIn ? sql.placeholder("viewerId") : undefined),
        },
        tier: sql<number>`page.tier`,
        total: sql<number>`page.total`,
        capped: sql<boolean>`page.capped`,
        stems: sql<string[]>`tsvector_to_array(to_tsvector(${SEARCH_CONFIG}, ${sql.placeholder("words")}))`,
        contentMatches: this.bestContentMatches(),
      })
      .from(sql`(${this.rankedPage(shape)}) as page`)
      .innerJoin(materials, sql`${materials.id} = page.id`)
      .innerJoin(users, sql`${users.id} = ${materials.uploaderId}`)
      .orderBy(sql`page.tier desc`, desc(materials.likeCount), desc(materials.id))
      .prepare(`search_${shape.fuzzy}_${shape.typed}_${shape.byUploader}_${shape.signedIn}`);
  }

  private async run(request: SearchPage) {
    const shape: SearchShape = {
      fuzzy: request.query.fuzzyText !== null,
      typed: request.type !== undefined,
      byUploader: request.uploaderId !== undefined,
      signedIn: request.viewerId !== undefined,
    };
    const key = `${shape.fuzzy}:${shape.typed}:${shape.byUploader}:${shape.signedIn}`;
    let prepared = this.preparedSearches.get(key);
    if (!prepared) {
      prepared = this.prepareSearch(shape);
      this.preparedSearches.set(key, prepared);
    }
    const offset = (request.page - 1) * request.pageSize;
    return prepared.execute({
      tsquery: request.query.tsquery,
      titleTsquery: request.query.titleTsquery,
      fuzzyText: request.query.fuzzyText,
      type: request.type,
      uploaderId: request.uploaderId,
      viewerId: request.viewerId,
      words: request.query.tokens
        .filter((token) => !token.cjk)
        .map((token) => token.text)
        .join(" "),
      need: offset + request.pageSize,
      cap: SEARCH_TOTAL_CAP,
      limit: request.pageSize,
      offset,
    });
  }

  /** One page of matching materials, best first, with their page and caption matches, and the total. */
  async searchPage(request: SearchPage): Promise<SearchResults> {
    const rows = await this.run(request);
    const first = rows[0];
    if (!first) {
      // A page past the end has no row to carry the total: the first page of one result has.
      const head = request.page > 1 ? (await this.run({ ...request, page: 1, pageSize: 1 }))[0] : undefined;
      return { hits: [], total: head?.total ?? 0, totalCapped: head?.capped ?? false, stems: head?.stems ?? [] };
    }
    const hits = rows.map((row): SearchHit => {
      const tier = TIERS[row.tier] ?? "content";
      return { material: row.material, tier, score: TIER_SCORES[tier], contentMatches: row.contentMatches };
    });
    return { hits, total: first.total, totalCapped: first.capped, stems: first.stems };
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
}
