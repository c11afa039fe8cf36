/**
 * A reproducible corpus of mixed Chinese/English lecture text: a seeded PRNG, a synthetic English vocabulary
 * (with inflected forms, so stemming matters) and a Chinese one (two-character words from common Han
 * characters), both drawn with Zipf frequencies as natural text is. The same seed gives the same corpus.
 */

/** mulberry32: small, fast, good enough for test data. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES =
  "ba be bi bo bu ca ce ci co cu da de di do du fa fe fi fo ga ge gi go la le li lo lu ma me mi mo mu na ne ni no nu pa pe pi po pu ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo za ze zi zo tra tre tri pro pre gra gre sta ste sti con com der ter ment tion ver lex".split(
    " ",
  );
/** Real words at fixed ranks, so benchmark queries have known frequencies. */
export const ENGLISH_ANCHORS: Record<number, string> = {
  50: "gradient",
  400: "descent",
  1500: "stochastic",
  3000: "convergence",
  8000: "algorithm",
};
export const CHINESE_ANCHORS: Record<number, string> = { 60: "梯度", 500: "下降", 2000: "收敛", 6000: "算法" };

const ENGLISH_SIZE = 20_000;
const CHINESE_SIZE = 20_000;
const SUFFIXES = ["", "", "", "s", "ed", "ing"];

function englishVocabulary(next: () => number): string[] {
  const words = new Set<string>(Object.values(ENGLISH_ANCHORS));
  const list: string[] = [];
  while (list.length < ENGLISH_SIZE) {
    const anchor = ENGLISH_ANCHORS[list.length];
    if (anchor) {
      list.push(anchor);
      continue;
    }
    const length = 2 + Math.floor(next() * 3);
    let word = "";
    for (let i = 0; i < length; i++) word += SYLLABLES[Math.floor(next() * SYLLABLES.length)];
    if (!words.has(word)) {
      words.add(word);
      list.push(word);
    }
  }
  return list;
}

function chineseVocabulary(next: () => number): string[] {
  const words = new Set<string>(Object.values(CHINESE_ANCHORS));
  const list: string[] = [];
  while (list.length < CHINESE_SIZE) {
    const anchor = CHINESE_ANCHORS[list.length];
    if (anchor) {
      list.push(anchor);
      continue;
    }
    // The 3,500 most common Han characters sit roughly in U+4E00..U+9FA5; sample the first 6,000 code points.
    const word = String.fromCodePoint(0x4e00 + Math.floor(next() * 6000), 0x4e00 + Math.floor(next() * 6000));
    if (!words.has(word)) {
      words.add(word);
      list.push(word);
    }
  }
  return list;
}

/** Cumulative Zipf (s = 1) weights, for drawing a rank with one binary search. */
function zipf(size: number): Float64Array {
  const cumulative = new Float64Array(size);
  let total = 0;
  for (let rank = 0; rank < size; rank++) {
    total += 1 / (rank + 1);
    cumulative[rank] = total;
  }
  for (let rank = 0; rank < size; rank++) cumulative[rank] = (cumulative[rank] ?? 0) / total;
  return cumulative;
}

function draw(cumulative: Float64Array, value: number): number {
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((cumulative[mid] ?? 1) < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

export class Corpus {
  private readonly next: () => number;
  private readonly english: string[];
  private readonly chinese: string[];
  private readonly englishRanks: Float64Array;
  private readonly chineseRanks: Float64Array;

  constructor(seed: number) {
    this.next = random(seed);
    this.english = englishVocabulary(this.next);
    this.chinese = chineseVocabulary(this.next);
    this.englishRanks = zipf(this.english.length);
    this.chineseRanks = zipf(this.chinese.length);
  }

  private englishWord(): string {
    const word = this.english[draw(this.englishRanks, this.next())] ?? "x";
    return word + (SUFFIXES[Math.floor(this.next() * SUFFIXES.length)] ?? "");
  }

  private chineseWord(): string {
    return this.chinese[draw(this.chineseRanks, this.next())] ?? "字";
  }

  /** A sentence: English words, or a run of Chinese words (no spaces), or mixed. */
  sentence(): string {
    const kind = this.next();
    const length = 4 + Math.floor(this.next() * 8);
    const parts: string[] = [];
    if (kind < 0.45) {
      for (let i = 0; i < length; i++) parts.push(this.englishWord());
      return `${parts.join(" ")}.`;
    }
    if (kind < 0.9) {
      for (let i = 0; i < length; i++) parts.push(this.chineseWord());
      return `${parts.join("")}。`;
    }
    for (let i = 0; i < length; i++) parts.push(i % 3 === 0 ? this.englishWord() : this.chineseWord());
    return parts.join(" ");
  }

  /** About `characters` characters of text. */
  text(characters: number): string {
    let text = "";
    while (text.length < characters) text += `${this.sentence()} `;
    return text.trim();
  }

  title(): string {
    const words = 2 + Math.floor(this.next() * 4);
    const parts: string[] = [];
    for (let i = 0; i < words; i++) parts.push(this.next() < 0.5 ? this.englishWord() : this.chineseWord());
    return parts.join(" ");
  }

  integer(below: number): number {
    return Math.floor(this.next() * below);
  }
}
