import { isCjk } from "./tokenize";

/** About this many characters of text around the first match. */
const SNIPPET_LENGTH = 160;
/** Context kept before the first match. */
const LEAD = 40;
/** How far a window edge may move to avoid cutting a word in half. */
const WORD_SLACK = 16;

const WORD_CHARACTER = /[\p{L}\p{N}\p{M}]/u;
const HTML_SPECIAL = /[&<>"']/;
const HTML_SPECIALS = /[&<>"']/g;
const REGEXP_SPECIALS = /[\\^$.*+?()[\]{}|/-]/g;

export interface HighlightTerms {
  /**
   * Lexemes PostgreSQL matched for the spaced-script words of the query (`english` stems such as `gradient`
   * for "gradients", `learn` for "learning"). A word of the text is marked when it starts with one.
   */
  stems: readonly string[];
  /** CJK bigrams (or lone characters) of the query, marked wherever they occur. */
  cjk: readonly string[];
}

/** Builds the snippet of one text: about 160 characters around its first match, matches marked. */
export type Highlighter = (text: string) => string;

interface Range {
  start: number;
  end: number;
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return HTML_SPECIAL.test(text)
    ? text.replace(HTML_SPECIALS, (character) => HTML_ESCAPES[character] ?? character)
    : text;
}

const escapeRegExp = (text: string) => text.replace(REGEXP_SPECIALS, "\\$&");
/** Longest first, so that where two terms start at the same place the longer is marked. */
const alternation = (terms: readonly string[]) =>
  [...new Set(terms.filter((term) => term.length > 0))]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
    .join("|");

/**
 * The query's marks as two patterns, compiled once per query: a word (a run of letters, digits and marks, not
 * preceded by one: "descent" in "梯度descent" is not a word start) beginning with a stem, case-insensitively,
 * marked whole; and every occurrence of a CJK term, overlapping ones included (a lookahead, so the scan moves
 * on by one character).
 */
function markPatterns(terms: HighlightTerms): RegExp[] {
  const patterns: RegExp[] = [];
  const stems = alternation(terms.stems);
  if (stems) patterns.push(new RegExp(`(?<![\\p{L}\\p{N}\\p{M}])(?:${stems})[\\p{L}\\p{N}\\p{M}]*`, "giu"));
  const cjk = alternation(terms.cjk);
  if (cjk) patterns.push(new RegExp(`(?=(${cjk}))`, "gu"));
  return patterns;
}

/** Where `patterns` match in `text`, in order, overlapping and touching matches merged. */
function matchRanges(text: string, patterns: readonly RegExp[]): Range[] {
  const ranges: Range[] = [];
  for (const pattern of patterns) {
    for (const match of text.matchAll(pattern)) {
      ranges.push({ start: match.index, end: match.index + (match[1] ?? match[0]).length });
    }
  }
  if (patterns.length > 1) ranges.sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: Range[] = [];
  for (const range of ranges) {
    const previous = merged.at(-1);
    if (previous && range.start <= previous.end) previous.end = Math.max(previous.end, range.end);
    else merged.push(range);
  }
  return merged;
}

const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** Whether `at` falls between two characters of one spaced-script word. */
function insideWord(text: string, at: number): boolean {
  return (
    at > 0 &&
    at < text.length &&
    WORD_CHARACTER.test(text.charAt(at - 1)) &&
    WORD_CHARACTER.test(text.charAt(at)) &&
    !isCjk(text.charAt(at))
  );
}

/** Moves `index` off the middle of a surrogate pair and, within WORD_SLACK, off the middle of a spaced-script word. */
function windowEdge(text: string, index: number, direction: 1 | -1): number {
  let edge = index;
  if (edge > 0 && edge < text.length && isLowSurrogate(text.charCodeAt(edge))) edge += direction === 1 ? 1 : -1;
  for (let moved = 0; moved < WORD_SLACK && insideWord(text, edge); moved++) edge += direction;
  return insideWord(text, edge) ? index : edge;
}

/**
 * About SNIPPET_LENGTH characters of `text` around its first match, HTML-escaped, with each match in
 * `<mark>…</mark>` and `…` where text was cut. The only markup in the result is the mark tags.
 */
function snippet(text: string, patterns: readonly RegExp[]): string {
  const ranges = matchRanges(text, patterns);
  const first = ranges[0];
  let start = first ? Math.max(0, Math.min(first.start - LEAD, text.length - SNIPPET_LENGTH)) : 0;
  let end = Math.min(text.length, start + SNIPPET_LENGTH);
  if (first && first.end > end) end = Math.min(text.length, first.end);
  start = windowEdge(text, start, 1);
  end = windowEdge(text, end, -1);
  if (end <= start) end = Math.min(text.length, start + SNIPPET_LENGTH);

  let html = start > 0 ? "…" : "";
  let at = start;
  for (const range of ranges) {
    const markStart = Math.max(range.start, start);
    const markEnd = Math.min(range.end, end);
    if (markEnd <= markStart) continue;
    html += `${escapeHtml(text.slice(at, markStart))}<mark>${escapeHtml(text.slice(markStart, markEnd))}</mark>`;
    at = markEnd;
  }
  html += escapeHtml(text.slice(at, end).trimEnd());
  if (end < text.length) html += "…";
  return html;
}

/** The snippet builder of one query: its terms are compiled once, then every text of the page is scanned natively. */
export function createHighlighter(terms: HighlightTerms): Highlighter {
  const patterns = markPatterns(terms);
  return (text) => snippet(text, patterns);
}
