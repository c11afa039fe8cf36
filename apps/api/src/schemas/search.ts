import { SEARCH_TOTAL_CAP } from "@learning-hub/db/repositories/search";
import { type Static, Type } from "@sinclair/typebox";
import { MaterialTypeSchema } from "./enums";
import { SINGLE_LINE_TEXT_PATTERN } from "./text";

/** How far `total` counts, as the docs write it. */
export const TOTAL_CAP = SEARCH_TOTAL_CAP.toLocaleString("en");

/** Longest query, in characters after trimming. */
export const MAX_QUERY_LENGTH = 200;

const Nullable = <T extends ReturnType<typeof Type.Integer> | ReturnType<typeof Type.Number>>(schema: T) =>
  Type.Unsafe<Static<T> | null>({ ...schema, nullable: true });

/** `q`'s length is checked after trimming (by the service), so the schema only bounds the raw size. */
const QueryText = Type.String({
  maxLength: 1000,
  pattern: SINGLE_LINE_TEXT_PATTERN,
  description: `What to find: 1-${MAX_QUERY_LENGTH} characters after trimming. Chinese, English or both; the last word also matches as a prefix.`,
  examples: ["梯度下降", "gradient descent", "stoch"],
});

export const SearchQuery = Type.Object({
  q: QueryText,
  material_type: Type.Optional(MaterialTypeSchema),
  uploader_id: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })),
  page: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 }),
  page_size: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
});
export type SearchQuery = Static<typeof SearchQuery>;

export const SearchMatch = Type.Object(
  {
    field: Type.Unsafe<"title" | "description" | "page" | "caption">({
      type: "string",
      enum: ["title", "description", "page", "caption"],
    }),
    page: Nullable(Type.Integer({ minimum: 1, description: "The PDF page (1-based) of a `page` match" })),
    start_seconds: Nullable(Type.Number({ minimum: 0, description: "Where a `caption` match starts in the video" })),
    snippet: Type.String({
      description: "About 160 characters around the match, HTML-escaped, matched words in `<mark>` (the only markup)",
      examples: ["…stochastic <mark>gradient</mark> descent converges when…"],
    }),
  },
  { $id: "SearchMatch" },
);
export type SearchMatch = Static<typeof SearchMatch>;

export const SearchResult = Type.Object(
  {
    material: Type.Ref("MaterialListItem"),
    score: Type.Number({
      description:
        "1 title, 0.8 misspelt title, 0.6 description, 0.4 page or caption text; ties by like count, then id",
    }),
    matches: Type.Array(Type.Ref(SearchMatch), { maxItems: 3, description: "Best first" }),
  },
  { $id: "SearchResult" },
);
export type SearchResult = Static<typeof SearchResult>;

export const SearchPage = Type.Object(
  {
    items: Type.Array(Type.Ref(SearchResult)),
    total: Type.Integer({
      description: `How many materials match, counted up to ${TOTAL_CAP}; see \`total_capped\``,
    }),
    page: Type.Integer(),
    page_size: Type.Integer(),
    total_pages: Type.Integer({ description: "Pages of `total` results" }),
    total_capped: Type.Boolean({
      description: `True when more than ${TOTAL_CAP} materials match: \`total\` is then ${TOTAL_CAP} and counting stopped there. Pages past \`total_pages\` still hold the further results, in rank order.`,
    }),
  },
  { $id: "SearchPage" },
);
export type SearchPage = Static<typeof SearchPage>;

export const searchSchemas = [SearchMatch, SearchResult, SearchPage];
