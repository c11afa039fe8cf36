import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { execFileAsync } from "./run";

const NS = [
  'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"',
  'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"',
  'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"',
  'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"',
  'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"',
  'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"',
  'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"',
].join(" ");

/** A flat ODF presentation with one titled text box per slide. */
export function flatPresentation(slides: number): string {
  const pages = Array.from(
    { length: slides },
    (_, i) =>
      `<draw:page draw:name="s${i + 1}"><draw:frame svg:x="2cm" svg:y="2cm" svg:width="20cm" svg:height="3cm">` +
      `<draw:text-box><text:p>Slide ${i + 1}</text:p></draw:text-box></draw:frame></draw:page>`,
  ).join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<office:document ${NS} office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.presentation">
<office:body><office:presentation>
${pages}
</office:presentation></office:body></office:document>
`;
}

/** A flat ODF text document of `pages` pages: every paragraph after the first starts a new page. */
export function flatText(pages: number): string {
  const paragraphs = Array.from(
    { length: pages },
    (_, i) => `<text:p text:style-name="${i === 0 ? "Standard" : "NewPage"}">Page ${i + 1}</text:p>`,
  ).join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<office:document ${NS} office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.text">
<office:automatic-styles>
<style:style style:name="NewPage" style:family="paragraph"><style:paragraph-properties fo:break-before="page"/></style:style>
</office:automatic-styles>
<office:body><office:text>
${paragraphs}
</office:text></office:body></office:document>
`;
}

/**
 * Writes `source` (flat ODF) and has LibreOffice save it as each of `formats` (e.g. pptx, ppt, odp) in `dir`;
 * returns the paths by format.
 */
export async function saveWithLibreOffice(
  dir: string,
  baseName: string,
  source: string,
  sourceExtension: "fodp" | "fodt",
  formats: string[],
): Promise<Record<string, string>> {
  const sourcePath = path.join(dir, `${baseName}.${sourceExtension}`);
  await writeFile(sourcePath, source);
  const profile = await mkdtemp(path.join(tmpdir(), "office-fixture-profile-"));
  try {
    const result: Record<string, string> = {};
    for (const format of formats) {
      await execFileAsync("soffice", [
        `-env:UserInstallation=${pathToFileURL(profile).href}`,
        "--headless",
        ...["--convert-to", format, "--outdir", dir, sourcePath],
      ]);
      result[format] = path.join(dir, `${baseName}.${format}`);
    }
    const written = await readdir(dir);
    for (const [format, file] of Object.entries(result)) {
      if (!written.includes(path.basename(file))) throw new Error(`LibreOffice did not write ${format}`);
    }
    return result;
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

/** Page count by poppler's pdfinfo: an independent reader of the PDF LibreOffice wrote. */
export async function pdfPageCount(pdfPath: string): Promise<number> {
  const { stdout } = await execFileAsync("pdfinfo", [pdfPath]);
  const pages = /^Pages:\s+(\d+)/m.exec(stdout);
  if (!pages) throw new Error(`pdfinfo printed no page count for ${pdfPath}`);
  return Number(pages[1]);
}
