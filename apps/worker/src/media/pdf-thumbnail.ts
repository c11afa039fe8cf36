import { createCanvas } from "@napi-rs/canvas";
import type { PDFPageProxy } from "pdfjs-dist/legacy/build/pdf.mjs";
import { startDeadline } from "./deadline";
import { asMediaError, MediaError } from "./media-error";
import { openPdf, pdfReason } from "./pdf-document";

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
const DEFAULT_TIMEOUT_MS = 30_000;
/** Pages taller than this many widths (receipts, posters, broken MediaBoxes) are cut to their top part. */
const MAX_HEIGHT_TO_WIDTH = 4;

type RenderParameters = Parameters<PDFPageProxy["render"]>[0];

/**
 * Renders the first page of a PDF as a JPEG exactly `width` px wide on white, with pdfjs-dist and
 * @napi-rs/canvas. Fonts that are not embedded are drawn with system fonts, CJK ones with the font that
 * `registerCjkFont` registered at start-up.
 * Throws MediaError with a storable reason on any failure. Does not modify `data`.
 */
export async function renderPdfThumbnail(data: Uint8Array, options: PdfThumbnailOptions = {}): Promise<PdfThumbnail> {
  const width = options.width ?? DEFAULT_WIDTH;
  const quality = options.quality ?? DEFAULT_QUALITY;
  const deadline = startDeadline(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, "PDF thumbnail", options.signal);
  const opened = await openPdf(data, deadline);
  try {
    const document = await opened.document;
    const page = await document.getPage(1).catch((error: unknown) => {
      deadline.throwIfAborted();
      throw new MediaError("UNREADABLE_INPUT", pdfReason(error), { cause: error });
    });
    const pageSize = page.getViewport({ scale: 1 });
    if (!(pageSize.width > 0 && pageSize.height > 0)) {
      throw new MediaError("UNREADABLE_INPUT", "the first page of the PDF has no size");
    }
    const viewport = page.getViewport({ scale: width / pageSize.width });
    const height = Math.min(Math.max(1, Math.round(viewport.height)), width * MAX_HEIGHT_TO_WIDTH);
    const canvas = createCanvas(width, height);
    const context = canvas.getContext("2d");
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, width, height);

    const renderTask = page.render({
      // pdfjs types these as DOM canvas objects; @napi-rs/canvas is what its own Node canvas factory uses.
      canvas: canvas as unknown as RenderParameters["canvas"],
      canvasContext: context as unknown as RenderParameters["canvasContext"],
      viewport,
    });
    const cancelRender = () => renderTask.cancel();
    deadline.signal.addEventListener("abort", cancelRender, { once: true });
    try {
      await renderTask.promise;
    } catch (error) {
      deadline.throwIfAborted();
      throw new MediaError("UNREADABLE_INPUT", pdfReason(error), { cause: error });
    } finally {
      deadline.signal.removeEventListener("abort", cancelRender);
    }
    deadline.throwIfAborted();
    const jpeg = await canvas.encode("jpeg", quality);
    page.cleanup();
    return { jpeg, width, height, pageCount: document.numPages };
  } catch (error) {
    throw asMediaError(error, "PDF thumbnail failed");
  } finally {
    deadline.dispose();
    await opened.close();
  }
}
