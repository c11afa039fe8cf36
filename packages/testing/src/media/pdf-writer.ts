import { deflateSync } from "node:zlib";

/** A PDF object: a dictionary or array in PDF syntax, or a stream with its (uncompressed) content. */
export type PdfObject = string | { dictionary: string; stream: string | Buffer };

/**
 * Serialises numbered objects (object 1 is the first of `objects`) into a PDF with a correct
 * cross-reference table. Small on purpose: enough for test documents whose exact structure matters
 * (a font that is named but not embedded), which PDF libraries do not let one write.
 */
export function writePdf(objects: PdfObject[], trailer: { root: number; info?: number }): Buffer {
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
