import type { Deadline } from "./deadline";
import { type PdfDocument, withPdfDocument } from "./pdf-document";
import { renderPage } from "./pdf-render";

export interface PdfThumbnailOptions {
  /** Output width in pixels; the first page is scaled to exactly this width. Default 480. */
  width?: number;
  /** JPEG quality 1..100. Default 80. */
  quality?: number;
  /** pdfjs parses on this thread; cancel slow documents. Default 30 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface PdfThumbnail {
  jpeg: Buffer;
  width: number;
  height: number;
  pageCount: number;
}

const DEFAULT_WIDTH = 480;
const DEFAULT_QUALITY = 80;

/** The thumbnail step on an opened document: page 1 as a JPEG `width` px wide. */
export async function renderThumbnailOf(
  document: PdfDocument,
  deadline: Deadline,
  options: Pick<PdfThumbnailOptions, "width" | "quality"> = {},
): Promise<PdfThumbnail> {
  const page = await renderPage(document, 1, options.width ?? DEFAULT_WIDTH, deadline);
  const jpeg = await page.canvas.encode("jpeg", options.quality ?? DEFAULT_QUALITY);
  return { jpeg, width: page.width, height: page.height, pageCount: document.numPages };
}

/**
 * Renders the first page of a PDF as a JPEG exactly `width` px wide on white, with pdfjs-dist and
 * @napi-rs/canvas. Fonts that are not embedded are drawn with system fonts, CJK ones with the font that
 * `registerCjkFont` registered at start-up.
 * Throws MediaError with a storable reason on any failure. Does not modify `data`.
 */
export function renderPdfThumbnail(data: Uint8Array, options: PdfThumbnailOptions = {}): Promise<PdfThumbnail> {
  return withPdfDocument(data, { ...options, what: "PDF thumbnail" }, (document, deadline) =>
    renderThumbnailOf(document, deadline, options),
  );
}
