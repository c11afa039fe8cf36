/**
 * PDF text extraction throughput: pages per second of the worker's `extractPdfText` (pdfjs, in process)
 * against poppler's `pdftotext` (a native binary, one process per file, as a batch tool would run it) on
 * the same generated PDFs of mixed Chinese/English text, measured in the same run, alternating. Two sets:
 * handouts exported by LibreOffice (embedded subset fonts with ToUnicode maps, like most real PDFs), and
 * PDFs whose CJK font is not embedded (pdfjs builds the Adobe-GB1 CMaps, once per process with the project's
 * patch of pdfjs-dist, in the warm-up round).
 *
 *   tsx bench/search/extraction.ts [files] [pages per file] [rounds]
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { extractPdfText } from "../../apps/worker/src/media/index";
import { writePdf } from "../../packages/testing/src/pdf-writer";
import { Corpus } from "./corpus";

const files = Number(process.argv[2] ?? 10);
const pagesPerFile = Number(process.argv[3] ?? 40);
const rounds = Number(process.argv[4] ?? 3);
const out = (line = "") => process.stdout.write(`${line}\n`);
const run = promisify(execFile);

/** A page of about 30 lines of 40 characters, wrapped like a slide deck or handout. */
function pageLines(corpus: Corpus): string[] {
  const text = corpus.text(1200);
  const lines: string[] = [];
  for (let at = 0; at < text.length; at += 40) lines.push(text.slice(at, at + 40));
  return lines.slice(0, 34);
}

interface Pdf {
  file: string;
  data: Buffer;
}

const escapeHtml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;");

/** HTML of `pagesPerFile` pages converted by LibreOffice (its own profile, so it runs beside other instances). */
async function officePdf(corpus: Corpus, name: string): Promise<Pdf> {
  let html = "<html><head><meta charset='utf-8'></head><body>";
  for (let page = 1; page <= pagesPerFile; page++) {
    html += `<h1>${page}. ${escapeHtml(corpus.title())}</h1><p>${escapeHtml(corpus.text(1200))}</p>`;
    html += '<p style="page-break-after: always"></p>';
  }
  const source = path.join(directory, `${name}.html`);
  await writeFile(source, `${html}</body></html>`);
  await run("soffice", [
    `-env:UserInstallation=file://${path.join(directory, "profile")}`,
    ...["--headless", "--convert-to", "pdf:writer_pdf_Export", "--outdir", directory, source],
  ]);
  const file = path.join(directory, `${name}.pdf`);
  return { file, data: await readFile(file) };
}

async function pageCount(pdf: Pdf): Promise<number> {
  return (await extractPdfText(pdf.data, { maxPages: 10_000, maxCharacters: 100_000_000 })).pageCount;
}

const directory = await mkdtemp(path.join(tmpdir(), "lh-bench-extraction-"));
try {
  const corpus = new Corpus(13);
  const sets: Record<string, Pdf[]> = { "LibreOffice handouts": [], "non-embedded CJK font": [] };
  for (let index = 0; index < files; index++) {
    sets["LibreOffice handouts"]?.push(await officePdf(corpus, `office-${index}`));
    const data = writePdf(Array.from({ length: pagesPerFile }, () => pageLines(corpus)));
    const file = path.join(directory, `plain-${index}.pdf`);
    await writeFile(file, data);
    sets["non-embedded CJK font"]?.push({ file, data });
  }
  for (const [name, pdfs] of Object.entries(sets)) await measureSet(name, pdfs);
} finally {
  await rm(directory, { recursive: true, force: true });
}

async function measureSet(name: string, pdfs: Pdf[]): Promise<void> {
  let totalPages = 0;
  for (const pdf of pdfs) totalPages += await pageCount(pdf);
  const limits = { maxPages: 10_000, maxCharacters: 100_000_000 };

  async function pdfjsRound(): Promise<number> {
    const started = performance.now();
    let characters = 0;
    for (const pdf of pdfs) {
      const text = await extractPdfText(pdf.data, limits);
      characters += text.pages.reduce((sum, page) => sum + page.text.length, 0);
    }
    if (characters === 0) throw new Error("pdfjs extracted nothing");
    return (performance.now() - started) / 1000;
  }
  async function pdftotextRound(): Promise<number> {
    const started = performance.now();
    for (const pdf of pdfs) await run("pdftotext", ["-enc", "UTF-8", pdf.file, "-"], { maxBuffer: 64 * 1024 * 1024 });
    return (performance.now() - started) / 1000;
  }

  await pdfjsRound(); // warm-up: loads pdfjs and builds its CMaps, as a long-running worker has
  await pdftotextRound();
  const seconds = { pdfjs: 0, pdftotext: 0 };
  for (let round = 1; round <= rounds; round++) {
    const order = round % 2 === 1 ? (["pdfjs", "pdftotext"] as const) : (["pdftotext", "pdfjs"] as const);
    for (const name of order) seconds[name] += name === "pdfjs" ? await pdfjsRound() : await pdftotextRound();
    out(
      `${name}, round ${round}: pdfjs ${seconds.pdfjs.toFixed(2)} s, pdftotext ${seconds.pdftotext.toFixed(2)} s (cumulative)`,
    );
  }
  const rate = (total: number) => (totalPages * rounds) / total;
  const ratio = rate(seconds.pdfjs) / rate(seconds.pdftotext);
  out();
  out(`${name}: ${pdfs.length} PDFs, ${totalPages} pages of mixed Chinese/English text, ${rounds} rounds`);
  out(`machine: ${cpus().length} CPUs, load average ${loadavg()[0]?.toFixed(1)} (1 min) at the end`);
  out(`  extractPdfText (pdfjs)  ${rate(seconds.pdfjs).toFixed(0)} pages/s`);
  out(`  pdftotext (poppler)     ${rate(seconds.pdftotext).toFixed(0)} pages/s`);
  out(`  ratio ${ratio.toFixed(2)}  goal >= 0.5: ${ratio >= 0.5 ? "met" : "NOT met"}`);
  out();
}
