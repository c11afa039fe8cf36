/**
 * WebVTT and SRT caption files: parsed strictly enough to name the line of a mistake, and SRT rewritten as
 * WebVTT (the only format a `<track>` element plays). Cue text is kept for search with its markup removed.
 */

export type CaptionFormat = "vtt" | "srt";

export interface Cue {
  startSeconds: number;
  endSeconds: number;
  /** Plain text: tags removed, entities decoded, lines joined by a space. */
  text: string;
}

export interface ParsedCaptions {
  cues: Cue[];
  /** The file as WebVTT (an SRT file converted). */
  vtt: string;
}

/** A file that does not parse; `line` is 1-based. */
export class CaptionSyntaxError extends Error {
  override readonly name = "CaptionSyntaxError";
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
  }
}

const VTT_TIMESTAMP = /^(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})$/;
const SRT_TIMESTAMP = /^(\d{1,}):([0-5]\d):([0-5]\d)[,.](\d{1,3})$/;
const LOOKS_LIKE_TIMING = /^\s*\d+:\d/;
const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  nbsp: " ",
  lrm: "",
  rlm: "",
  quot: '"',
  apos: "'",
};

function vttSeconds(text: string): number | null {
  const match = VTT_TIMESTAMP.exec(text);
  if (!match) return null;
  const [, hours, minutes, seconds, millis] = match;
  return Number(hours ?? 0) * 3600 + Number(minutes) * 60 + Number(seconds) + Number(millis) / 1000;
}

function srtSeconds(text: string): number | null {
  const match = SRT_TIMESTAMP.exec(text);
  if (!match) return null;
  const [, hours, minutes, seconds, millis = "0"] = match;
  return Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds) + Number(millis.padEnd(3, "0")) / 1000;
}

/** Cue markup (`<v Speaker>`, `<i>`, `<00:01.000>`) removed and entities decoded. */
export function cueText(lines: readonly string[]): string {
  return lines
    .join(" ")
    .replace(/<[^>]*>/g, "")
    .replace(/&(#\d+|#x[\da-f]+|[a-z]+);/gi, (entity, name: string) => {
      if (name.startsWith("#x") || name.startsWith("#X"))
        return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
      if (name.startsWith("#")) return String.fromCodePoint(Number(name.slice(1)));
      return ENTITIES[name.toLowerCase()] ?? entity;
    })
    .replace(/\s+/g, " ")
    .trim();
}

interface Block {
  /** 1-based number of the block's first line. */
  line: number;
  lines: string[];
}

function blocks(source: string): Block[] {
  const lines = source.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
  const result: Block[] = [];
  let current: Block | null = null;
  lines.forEach((text, index) => {
    if (text.trim() === "") {
      current = null;
      return;
    }
    if (!current) {
      current = { line: index + 1, lines: [] };
      result.push(current);
    }
    current.lines.push(text);
  });
  return result;
}

function timing(
  text: string,
  line: number,
  toSeconds: (timestamp: string) => number | null,
): { start: number; end: number; rest: string } {
  const match = /^\s*(\S+)\s+-->\s+(\S+)(.*)$/.exec(text);
  if (!match) throw new CaptionSyntaxError(line, `expected a cue timing "start --> end", found "${text.slice(0, 80)}"`);
  const [, startText = "", endText = "", rest = ""] = match;
  const start = toSeconds(startText);
  const end = toSeconds(endText);
  if (start === null) throw new CaptionSyntaxError(line, `"${startText.slice(0, 40)}" is not a timestamp`);
  if (end === null) throw new CaptionSyntaxError(line, `"${endText.slice(0, 40)}" is not a timestamp`);
  if (end < start) throw new CaptionSyntaxError(line, "the cue ends before it starts");
  return { start, end, rest };
}

export function parseWebVtt(source: string): ParsedCaptions {
  const all = blocks(source);
  const header = all[0];
  if (header?.line !== 1 || !/^WEBVTT(?:[ \t].*)?$/.test(header.lines[0] ?? "")) {
    throw new CaptionSyntaxError(1, 'a WebVTT file must start with "WEBVTT"');
  }
  const cues: Cue[] = [];
  for (const block of all.slice(1)) {
    const [first = ""] = block.lines;
    if (/^(?:NOTE|STYLE|REGION)(?:[ \t]|$)/.test(first)) continue;
    const timingIndex = first.includes("-->") ? 0 : 1;
    const timingLine = block.lines[timingIndex];
    if (timingLine === undefined || !timingLine.includes("-->")) {
      // A first line that starts like a timestamp is a mistyped timing line, not a cue identifier.
      const at = LOOKS_LIKE_TIMING.test(first) ? 0 : timingIndex;
      const found = block.lines[at];
      throw new CaptionSyntaxError(
        block.line + at,
        found === undefined
          ? "a cue needs a timing line (start --> end)"
          : `expected a cue timing "start --> end", found "${found.slice(0, 80)}"`,
      );
    }
    const { start, end } = timing(timingLine, block.line + timingIndex, vttSeconds);
    cues.push({ startSeconds: start, endSeconds: end, text: cueText(block.lines.slice(timingIndex + 1)) });
  }
  return { cues, vtt: source.replace(/^\uFEFF/, "") };
}

const SRT_KEPT_TAGS = /^<\/?[ibu]>$/i;

/** SRT cue text as WebVTT cue text: <i>/<b>/<u> kept, other tags (<font>) dropped, the rest escaped. */
function srtTextToVtt(line: string): string {
  return line
    .split(/(<[^>]*>)/)
    .map((part) => {
      if (part.startsWith("<") && part.endsWith(">")) return SRT_KEPT_TAGS.test(part) ? part.toLowerCase() : "";
      return part
        .replace(/&(?!(?:#\d+|#x[\da-f]+|[a-z]+);)/gi, "&amp;")
        .replace(/</g, "&lt;")
        .replace(/>/g, "&gt;");
    })
    .join("");
}

function vttTimestamp(seconds: number): string {
  const millis = Math.round(seconds * 1000);
  const pad = (value: number, width = 2) => String(value).padStart(width, "0");
  return `${pad(Math.floor(millis / 3_600_000))}:${pad(Math.floor(millis / 60_000) % 60)}:${pad(Math.floor(millis / 1000) % 60)}.${pad(millis % 1000, 3)}`;
}

export function parseSrt(source: string): ParsedCaptions {
  const cues: Cue[] = [];
  const vttCues: string[] = [];
  for (const block of blocks(source)) {
    const [first = ""] = block.lines;
    const timingIndex = first.includes("-->") ? 0 : 1;
    if (timingIndex === 1 && !/^\s*\d+\s*$/.test(first)) {
      throw new CaptionSyntaxError(block.line, `expected a cue number, found "${first.slice(0, 80)}"`);
    }
    const timingLine = block.lines[timingIndex];
    if (timingLine === undefined)
      throw new CaptionSyntaxError(block.line + 1, "a cue needs a timing line (start --> end)");
    const { start, end } = timing(timingLine, block.line + timingIndex, srtSeconds);
    const textLines = block.lines.slice(timingIndex + 1).map(srtTextToVtt);
    cues.push({ startSeconds: start, endSeconds: end, text: cueText(textLines) });
    vttCues.push(`${cues.length}\n${vttTimestamp(start)} --> ${vttTimestamp(end)}\n${textLines.join("\n")}`);
  }
  return { cues, vtt: ["WEBVTT", ...vttCues].join("\n\n").concat("\n") };
}

export function parseCaptions(source: string, format: CaptionFormat): ParsedCaptions {
  return format === "vtt" ? parseWebVtt(source) : parseSrt(source);
}
