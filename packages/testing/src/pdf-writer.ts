/**
 * A small PDF writer for test media: pages of text lines, with Latin text in Helvetica and CJK text in
 * STSong-Light, a CJK font that is *not embedded* (UniGB-UCS2-H encoding, Adobe-GB1 glyphs): readers must
 * use their own CMaps to get Unicode text out of it, as with PDFs made by older Chinese office suites.
 * A page given as `null` has no text at all (like a scanned page): only a filled rectangle.
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

function cjkString(text: string): string {
  let hex = "";
  for (const character of text) {
    const code = character.codePointAt(0) ?? 0x3f;
    hex += (code > 0xffff ? 0x3f : code).toString(16).padStart(4, "0");
  }
  return `<${hex}>`;
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

/** An A4 PDF with one page per entry of `pages`, with a correct cross-reference table. */
export function writePdf(pages: readonly PdfPage[]): Buffer {
  const objects: string[] = [];
  /** Its object number: numbers start at 1. */
  const add = (object: string) => objects.push(object);
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
  const kids: number[] = [];
  for (const page of pages) {
    const content = Buffer.from(pageContent(page), "latin1");
    const stream = add(`<< /Length ${content.length} >>\nstream\n${content.toString("latin1")}\nendstream`);
    kids.push(
      add(
        `<< /Type /Page /Parent ${pageTree} 0 R /MediaBox [0 0 595 842] /Contents ${stream} 0 R ` +
          `/Resources << /Font << /F1 ${helvetica} 0 R /F2 ${song} 0 R >> >> >>`,
      ),
    );
  }
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pageTree} 0 R >>`;
  objects[pageTree - 1] =
    `<< /Type /Pages /Kids [${kids.map((kid) => `${kid} 0 R`).join(" ")}] /Count ${kids.length} >>`;

  let body = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(Buffer.byteLength(body, "latin1"));
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, "latin1");
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, "0")} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, "latin1");
}
