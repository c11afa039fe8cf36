/**
 * Search text is tokenised here, in code, identically for what is indexed and what is asked, so that matching
 * does not depend on a PostgreSQL extension or on the database's locale. PostgreSQL only ever sees tokens
 * separated by spaces: Latin (and other spaced-script) words, which the `english` configuration stems, and
 * CJK runs cut into overlapping two-character tokens, which no configuration changes.
 */

/** Scripts written without spaces between words: indexed as overlapping bigrams. */
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}]/u;
/** A run of letters/digits (with their combining marks); everything else separates tokens. */
const WORD_RUN = /[\p{L}\p{N}\p{M}]+/gu;
/** Splits a run into its CJK and non-CJK parts ("gpu加速" -> "gpu", "加速"). */
const SCRIPT_PARTS =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}]+|[^\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}]+/gu;
/** PostgreSQL refuses (with a notice) words over 2047 bytes; nobody searches for such a token. */
const MAX_TOKEN_LENGTH = 64;

export interface Token {
  /** Lower-cased text of the token, as PostgreSQL is given it. */
  text: string;
  /** Whether it is a CJK bigram (or a lone CJK character), which is matched literally, never stemmed. */
  cjk: boolean;
}

/** NFKC (full-width letters and digits become ASCII, compatibility ideographs become unified ones), whitespace collapsed. */
export function normalizeText(text: string): string {
  return text.normalize("NFKC").replace(/\s+/gu, " ").trim();
}

export function isCjk(character: string): boolean {
  return CJK.test(character);
}

/** Tokens of `text` in order: words of spaced scripts, and each CJK run as its overlapping bigrams. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const [run] of normalizeText(text).toLowerCase().matchAll(WORD_RUN)) {
    for (const [part] of run.matchAll(SCRIPT_PARTS)) {
      if (!isCjk(part.charAt(0))) {
        if (part.length <= MAX_TOKEN_LENGTH) tokens.push({ text: part, cjk: false });
        continue;
      }
      const characters = Array.from(part);
      if (characters.length === 1) tokens.push({ text: part, cjk: true });
      for (let index = 0; index + 1 < characters.length; index++) {
        tokens.push({ text: `${characters[index]}${characters[index + 1]}`, cjk: true });
      }
    }
  }
  return tokens;
}

/** What to hand `to_tsvector('english', …)` for `text`: its tokens separated by spaces. */
export function searchDocument(text: string | null | undefined): string {
  if (!text) return "";
  return tokenize(text)
    .map((token) => token.text)
    .join(" ");
}

export interface SearchQuery {
  /** For `to_tsquery('english', …)`: every token required, the last one also as a prefix. */
  tsquery: string;
  /** The same, matching only the title (weight A of a material's vector). */
  titleTsquery: string;
  tokens: Token[];
  /** The Latin part of the query for trigram similarity with titles (misspellings), or null when it has none. */
  fuzzyText: string | null;
}

/** Fewer letters than this make trigram similarity meaningless (and match half the catalogue). */
const MIN_FUZZY_LENGTH = 4;

/**
 * The query for `q`, or null when it has no searchable token (only punctuation). Tokens only hold letters,
 * digits and marks, so the tsquery needs no quoting. Search-as-you-type: the last token also matches as a
 * prefix; so does a lone CJK character (the index holds bigrams, a single character starts one).
 */
export function buildSearchQuery(q: string): SearchQuery | null {
  const tokens = tokenize(q);
  if (tokens.length === 0) return null;
  const last = tokens.length - 1;
  const prefixes = tokens.map((token, index) => index === last || (token.cjk && Array.from(token.text).length === 1));
  const terms = tokens.map((token, index) => (prefixes[index] ? `${token.text}:*` : token.text));
  const titleTerms = tokens.map((token, index) => `${token.text}:${prefixes[index] ? "*" : ""}A`);
  const latin = tokens
    .filter((token) => !token.cjk)
    .map((token) => token.text)
    .join(" ");
  return {
    tsquery: terms.join(" & "),
    titleTsquery: titleTerms.join(" & "),
    tokens,
    fuzzyText: latin.length >= MIN_FUZZY_LENGTH ? latin : null,
  };
}
