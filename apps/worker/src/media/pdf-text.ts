import type { PDFDocumentProxy } from "pdfjs-dist/legacy/build/pdf.mjs";
import { startDeadline } from "./deadline";
import { asMediaError, MediaError } from "./media-error";
import { openPdf, pdfReason } from "./pdf-document";

export interface PdfTextLimits {
  /** Pages after this many are not read. */
  maxPages: number;
  /** Text after this many characters (over all pages, after normalising) is not kept. */
  maxCharacters: number;
}

export interface PdfTextOptions extends PdfTextLimits {
  /** pdfjs parses on this thread; cancel slow documents. Default 60 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface PdfPageText {
  /** 1-based. */
  pageNumber: number;
  /** NFKC-normalised, whitespace collapsed; never empty (pages without text are left out). */
  text: string;
}

export interface PdfText {
  pages: PdfPageText[];
  pageCount: number;
  /** What the limits left out, in words, or null when everything was read. */
  skipped: string | null;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const CJK_CHARACTER = "[\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}]";
/** A line break (or pdfjs's spacing) between two CJK characters is layout, not a word boundary. */
const SPACE_BETWEEN_CJK = new RegExp(`(?<=${CJK_CHARACTER})\\s+(?=${CJK_CHARACTER})`, "gu");

/** The text of one page as pdfjs lays it out, normalised (NFKC, one space for any whitespace). */
export function normalizePageText(raw: string): string {
  return raw.normalize("NFKC").replace(/\s+/gu, " ").replace(SPACE_BETWEEN_CJK, "").trim();
}

/**
 * The text of each page of an open document, within the limits. Usable on a document another step already
 * opened (e.g. for page previews), so a PDF is parsed once. Pages are released as they are read.
 */
export async function extractDocumentText(
  document: PDFDocumentProxy,
  limits: PdfTextLimits,
  throwIfAborted: () => void = () => undefined,
): Promise<PdfText> {
  const pages: PdfPageText[] = [];
  const lastPage = Math.min(document.numPages, limits.maxPages);
  let characters = 0;
  let cutAt: number | null = null;
  for (let pageNumber = 1; pageNumber <= lastPage; pageNumber++) {
    throwIfAborted();
    const page = await document.getPage(pageNumber);
    const content = await page.getTextContent({ disableNormalization: true });
    page.cleanup();
    let raw = "";
    for (const item of content.items) {
      if (!("str" in item)) continue;
      raw += item.str;
      if (item.hasEOL) raw += "\n";
    }
    let text = normalizePageText(raw);
    if (text === "") continue;
    if (characters + text.length > limits.maxCharacters) {
      text = text.slice(0, limits.maxCharacters - characters).trim();
      cutAt = pageNumber;
    }
    if (text !== "") pages.push({ pageNumber, text });
    characters += text.length;
    if (cutAt !== null) break;
  }
  const skipped: string[] = [];
  if (cutAt !== null) skipped.push(`text from page ${cutAt} on (over ${limits.maxCharacters} characters)`);
  else if (document.numPages > lastPage) {
    skipped.push(`pages ${lastPage + 1}-${document.numPages} (over ${limits.maxPages} pages)`);
  }
  return {
    pages,
    pageCount: document.numPages,
    skipped: skipped.length > 0 ? `not indexed: ${skipped.join("; ")}` : null,
  };
}

/**
 * Extracts the text of a PDF's pages with pdfjs (`getTextContent`, with the package's CMaps and standard
 * fonts, so text in non-embedded CJK fonts comes out as Unicode). A PDF without a text layer (a scan) gives
 * no pages. Throws MediaError with a storable reason when the PDF cannot be read. Does not modify `data`.
 * pdfjs-dist is patched (patches/) to keep the built-in CMaps it builds for such fonts across documents.
 */
export async function extractPdfText(data: Uint8Array, options: PdfTextOptions): Promise<PdfText> {
  const deadline = startDeadline(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, "PDF text extraction", options.signal);
  const opened = await openPdf(data, deadline);
  try {
    const document = await opened.document;
    return await extractDocumentText(document, options, () => deadline.throwIfAborted()).catch((error: unknown) => {
      deadline.throwIfAborted();
      if (error instanceof MediaError) throw error;
      throw new MediaError("UNREADABLE_INPUT", pdfReason(error), { cause: error });
    });
  } catch (error) {
    throw asMediaError(error, "PDF text extraction failed");
  } finally {
    deadline.dispose();
    await opened.close();
  }
}
