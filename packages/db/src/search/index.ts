export { createHighlighter, escapeHtml, type Highlighter, type HighlightTerms } from "./snippet";
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
