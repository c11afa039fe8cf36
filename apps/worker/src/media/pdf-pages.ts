import type { Deadline } from "./deadline";
import { type OpenPdfOptions, type PdfDocument, withPdfDocument } from "./pdf-document";
import { type RenderedPage, renderPage, scaleDown } from "./pdf-render";
import type { PdfThumbnail } from "./pdf-thumbnail";

export interface PagePreview {
  /** 1-based. */
  page: number;
  jpeg: Buffer;
  width: number;
  height: number;
}

export interface PagePreviewOptions {
  /** Default 320. */
  width?: number;
  /** JPEG quality 1..100. Default 75. */
  quality?: number;
  /** Pages after this many get no preview. Default 300. */
  maxPages?: number;
  /** Called with each preview in page order, before the next page is rendered (store it; memory stays flat). */
  onPreview: (preview: PagePreview) => Promise<void>;
}

export interface PdfAssetsOptions extends Omit<OpenPdfOptions, "what"> {
  thumbnail?: { width?: number; quality?: number };
  previews?: PagePreviewOptions;
  /** More steps on the same opened document, after the images (e.g. text extraction). */
  steps?: Array<(document: PdfDocument, deadline: Deadline) => Promise<void>>;
}

export interface PdfAssets {
  thumbnail: PdfThumbnail;
  pageCount: number;
  /** Pages that got a preview: `min(pageCount, maxPages)`, 0 without `previews`. */
  previewCount: number;
}

export const DEFAULT_PREVIEW_WIDTH = 320;
export const DEFAULT_PREVIEW_QUALITY = 75;
export const DEFAULT_MAX_PREVIEW_PAGES = 300;
const DEFAULT_THUMBNAIL_WIDTH = 480;
const DEFAULT_THUMBNAIL_QUALITY = 80;

async function toPreview(page: number, rendered: RenderedPage, quality: number): Promise<PagePreview> {
  const jpeg = await rendered.canvas.encode("jpeg", quality);
  return { page, jpeg, width: rendered.width, height: rendered.height };
}

/**
 * The preview step on an opened document: pages 1..maxPages as JPEGs `width` px wide, handed to `onPreview`
 * one at a time. `firstPage`, when given, is page 1 already drawn (for the thumbnail) at least `width` wide,
 * scaled down instead of drawn again. Returns the number of previews.
 */
export async function renderPagePreviewsOf(
  document: PdfDocument,
  deadline: Deadline,
  options: PagePreviewOptions,
  firstPage?: RenderedPage,
): Promise<number> {
  const width = options.width ?? DEFAULT_PREVIEW_WIDTH;
  const quality = options.quality ?? DEFAULT_PREVIEW_QUALITY;
  const count = Math.min(document.numPages, options.maxPages ?? DEFAULT_MAX_PREVIEW_PAGES);
  for (let page = 1; page <= count; page++) {
    deadline.throwIfAborted();
    const rendered =
      page === 1 && firstPage && firstPage.width >= width
        ? scaleDown(firstPage, width)
        : await renderPage(document, page, width, deadline);
    await options.onPreview(await toPreview(page, rendered, quality));
  }
  return count;
}

/**
 * Opens the PDF once and makes everything the worker shows of it: the page-1 thumbnail, a preview of every
 * page up to the cap, and whatever `steps` do with the same document. Throws MediaError (see
 * `withPdfDocument`); a failing `onPreview` or step fails the whole call.
 */
export function renderPdfAssets(data: Uint8Array, options: PdfAssetsOptions = {}): Promise<PdfAssets> {
  return withPdfDocument(data, { ...options, what: "PDF rendering" }, async (document, deadline) => {
    const thumbnailWidth = options.thumbnail?.width ?? DEFAULT_THUMBNAIL_WIDTH;
    const firstPage = await renderPage(document, 1, thumbnailWidth, deadline);
    const jpeg = await firstPage.canvas.encode("jpeg", options.thumbnail?.quality ?? DEFAULT_THUMBNAIL_QUALITY);
    const thumbnail = { jpeg, width: firstPage.width, height: firstPage.height, pageCount: document.numPages };
    const previewCount = options.previews
      ? await renderPagePreviewsOf(document, deadline, options.previews, firstPage)
      : 0;
    for (const step of options.steps ?? []) {
      deadline.throwIfAborted();
      await step(document, deadline);
    }
    return { thumbnail, pageCount: document.numPages, previewCount };
  });
}
