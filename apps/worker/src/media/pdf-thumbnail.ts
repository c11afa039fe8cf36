import { type PdfAssetsOptions, renderPdfAssets } from "./pdf-pages";

export interface PdfThumbnailOptions
  extends Pick<PdfAssetsOptions, "timeoutMs" | "signal" | "pdftoppmPath" | "workRoot"> {
  /** Output width in pixels; the first page is scaled to exactly this width. Default 480. */
  width?: number;
  /** JPEG quality 1..100. Default 80. */
  quality?: number;
}

export interface PdfThumbnail {
  jpeg: Buffer;
  width: number;
  height: number;
  pageCount: number;
}

/**
 * The first page of a PDF as a JPEG exactly `width` px wide (`renderPdfAssets` without previews): rendered by
 * poppler's pdftoppm, fonts a PDF does not embed (CJK ones included) substituted through fontconfig.
 * Throws MediaError with a storable reason on any failure. Does not modify `data`.
 */
export async function renderPdfThumbnail(data: Uint8Array, options: PdfThumbnailOptions = {}): Promise<PdfThumbnail> {
  const { width, quality, ...rest } = options;
  return (await renderPdfAssets(data, { ...rest, thumbnail: { width, quality } })).thumbnail;
}
