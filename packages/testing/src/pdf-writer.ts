import { deflateSync } from "node:zlib";

/**
 * A small PDF writer for test media, written by hand because PDF libraries embed every font they use and
 * the tests need PDFs whose CJK font, STSong-Light, is named but *not embedded* (UniGB-UCS2-H encoding,
 * Adobe-GB1 glyphs): readers must use their own CMaps and fonts, as with PDFs made by older Chinese
 * office suites. `writePdfObjects` serialises objects given in PDF syntax; `writePdf` builds pages of
 * text lines on it.
 */

/** A PDF object: a dictionary or array in PDF syntax, or a stream with its (uncompressed) content. */
export type PdfObject = string | { dictionary: string; stream: string | Buffer };

/** Serialises numbered objects (object 1 is the first of `objects`) into a PDF with a correct cross-reference table. */
export function writePdfObjects(objects: readonly PdfObject[], trailer: { root: number; info?: number }): Buffer {
  const parts: Buffer[] = [Buffer.from("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "latin1")];
  let length = parts[0]?.length ?? 0;
  const offsets: number[] = [];
  const push = (part: Buffer) => {
    parts.push(part);
    length += part.length;
  };
  objects.forEach((object, index) => {
    offsets.push(length);
    push(Buffer.from(`${index + 1} 0 obj\n`, "latin1"));
    if (typeof object === "string") {
      push(Buffer.from(`${object}\nendobj\n`, "latin1"));
    } else {
      const data = deflateSync(
        typeof object.stream === "string" ? Buffer.from(object.stream, "latin1") : object.stream,
      );
      const dictionary = object.dictionary.replace(/>>\s*$/, `/Length ${data.length} /Filter /FlateDecode >>`);
      push(Buffer.from(`${dictionary}\nstream\n`, "latin1"));
      push(data);
      push(Buffer.from("\nendstream\nendobj\n", "latin1"));
    }
  });
  const xref = length;
  let table = `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) table += `${String(offset).padStart(10, "0")} 00000 n \n`;
  const info = trailer.info === undefined ? "" : ` /Info ${trailer.info} 0 R`;
  table += `trailer\n<< /Size ${objects.length + 1} /Root ${trailer.root} 0 R${info} >>\nstartxref\n${xref}\n%%EOF\n`;
  push(Buffer.from(table, "latin1"));
  return Buffer.concat(parts);
}

/** Text as a PDF hex string of UTF-16BE code units: what a UCS2 CMap (e.g. UniGB-UCS2-H) reads. */
export function utf16Hex(text: string): string {
  return `<${Buffer.from(text, "utf16le").swap16().toString("hex").toUpperCase()}>`;
}

/**
 * One page of `writePdf`: lines of text, Latin in Helvetica and CJK in STSong-Light (not embedded).
 * `null` is a page with no text at all (like a scanned page): only a filled rectangle.
 */
export type PdfPage = readonly string[] | null;

const CJK_RUN = /([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303f\uff00-\uffef]+)/u;
const FONT_SIZE = 14;
const LINE_HEIGHT = 22;

function latinString(text: string): string {
  // Outside Latin-1 nothing can be shown in Helvetica's standard encoding: write '?' like a lossy export would.
  const latin = Array.from(text, (character) => (character.charCodeAt(0) < 0x100 ? character : "?")).join("");
  return `(${latin.replace(/[\\()]/g, (character) => `\\${character}`)})`;
}

/** CJK text for a UCS2 CMap, which has no surrogate pairs: characters outside the BMP become '?'. */
function cjkString(text: string): string {
  return utf16Hex(
    Array.from(text, (character) => ((character.codePointAt(0) ?? 0) > 0xffff ? "?" : character)).join(""),
  );
}

function pageContent(lines: PdfPage): string {
  if (lines === null) return "0.6 0.6 0.6 rg 72 300 450 400 re f";
  const operations: string[] = [];
  lines.forEach((line, index) => {
    let x = 56;
    const y = 780 - index * LINE_HEIGHT;
    for (const segment of line.split(CJK_RUN)) {
      if (segment === "") continue;
      const cjk = CJK_RUN.test(segment);
      const shown = cjk
        ? `/F2 ${FONT_SIZE} Tf ${cjkString(segment)} Tj`
        : `/F1 ${FONT_SIZE} Tf ${latinString(segment)} Tj`;
      operations.push(`BT ${x} ${y} Td ${shown} ET`);
      x += Array.from(segment).length * FONT_SIZE * (cjk ? 1 : 0.55);
    }
  });
  return operations.join("\n");
}

/** An A4 PDF with one page per entry of `pages`. */
export function writePdf(pages: readonly PdfPage[]): Buffer {
  const objects: PdfObject[] = [];
  /** Its object number: numbers start at 1. */
  const add = (object: PdfObject) => objects.push(object);
  const catalog = add("");
  const pageTree = add("");
  const helvetica = add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
  const descriptor = add(
    "<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 " +
      "/Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
  );
  const cidFont = add(
    "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light " +
      `/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /FontDescriptor ${descriptor} 0 R /DW 1000 >>`,
  );
  const song = add(
    `<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [${cidFont} 0 R] >>`,
  );
  const kids = pages.map((page) => {
    const stream = add({ dictionary: "<< >>", stream: pageContent(page) });
    return add(
      `<< /Type /Page /Parent ${pageTree} 0 R /MediaBox [0 0 595 842] /Contents ${stream} 0 R ` +
        `/Resources << /Font << /F1 ${helvetica} 0 R /F2 ${song} 0 R >> >> >>`,
    );
  });
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pageTree} 0 R >>`;
  objects[pageTree - 1] =
    `<< /Type /Pages /Kids [${kids.map((kid) => `${kid} 0 R`).join(" ")}] /Count ${kids.length} >>`;
  return writePdfObjects(objects, { root: catalog });
}
