export { buildSnippet, escapeHtml, type HighlightTerms } from "./snippet";
export {
  buildSearchQuery,
  isCjk,
  normalizeText,
  type SearchQuery,
  searchDocument,
  type Token,
  tokenize,
} from "./tokenize";
export { materialVector, SEARCH_CONFIG, textVector } from "./vectors";
