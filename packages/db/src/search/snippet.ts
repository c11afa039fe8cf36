import { isCjk } from "./tokenize";

/** About this many characters of text around the first match. */
const SNIPPET_LENGTH = 160;
/** Context kept before the first match. */
const LEAD = 40;
/** How far a window edge may move to avoid cutting a word in half. */
const WORD_SLACK = 16;

const WORD_RUN = /[\p{L}\p{N}\p{M}]+/gu;
const WORD_CHARACTER = /[\p{L}\p{N}\p{M}]/u;

export interface HighlightTerms {
  /**
   * Lexemes PostgreSQL matched for the spaced-script words of the query (`english` stems such as `gradient`
   * for "gradients", `learn` for "learning"). A word of the text is marked when it starts with one.
   */
  stems: readonly string[];
  /** CJK bigrams (or lone characters) of the query, marked wherever they occur. */
  cjk: readonly string[];
}

interface Range {
  start: number;
  end: number;
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);
}

function matchRanges(text: string, terms: HighlightTerms): Range[] {
  const ranges: Range[] = [];
  const stems = terms.stems.filter((stem) => stem.length > 0);
  if (stems.length > 0) {
    for (const match of text.matchAll(WORD_RUN)) {
      const word = match[0];
      if (isCjk(word.charAt(0))) continue;
      const lower = word.toLowerCase();
      if (stems.some((stem) => lower.startsWith(stem)))
        ranges.push({ start: match.index, end: match.index + word.length });
    }
  }
  const lowerText = terms.cjk.length > 0 ? text.toLowerCase() : text;
  for (const term of terms.cjk) {
    if (term.length === 0) continue;
    for (let at = lowerText.indexOf(term); at !== -1; at = lowerText.indexOf(term, at + 1)) {
      ranges.push({ start: at, end: at + term.length });
    }
  }
  ranges.sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: Range[] = [];
  for (const range of ranges) {
    const previous = merged.at(-1);
    if (previous && range.start <= previous.end) previous.end = Math.max(previous.end, range.end);
    else merged.push({ ...range });
  }
  return merged;
}

const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** Moves `index` off the middle of a surrogate pair and, within WORD_SLACK, off the middle of a spaced-script word. */
function windowEdge(text: string, index: number, direction: 1 | -1): number {
  let edge = index;
  if (edge > 0 && edge < text.length && isLowSurrogate(text.charCodeAt(edge))) edge += direction === 1 ? 1 : -1;
  const insideWord = (at: number) =>
    at > 0 &&
    at < text.length &&
    WORD_CHARACTER.test(text.charAt(at - 1)) &&
    WORD_CHARACTER.test(text.charAt(at)) &&
    !isCjk(text.charAt(at));
  for (let moved = 0; moved < WORD_SLACK && insideWord(edge); moved++) edge += direction;
  return insideWord(edge) ? index : edge;
}

/**
 * About SNIPPET_LENGTH characters of `text` around its first match, HTML-escaped, with each match in
 * `<mark>…</mark>` and `…` where text was cut. The only markup in the result is the mark tags.
 */
export function buildSnippet(text: string, terms: HighlightTerms): string {
  const ranges = matchRanges(text, terms);
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
