import { type Canvas, createCanvas } from "@napi-rs/canvas";
import type { PDFPageProxy } from "pdfjs-dist/legacy/build/pdf.mjs";
import type { Deadline } from "./deadline";
import { MediaError } from "./media-error";
import { type PdfDocument, pdfFailure } from "./pdf-document";

/** Pages taller than this many widths (receipts, posters, broken MediaBoxes) are cut to their top part. */
const MAX_HEIGHT_TO_WIDTH = 4;

type RenderParameters = Parameters<PDFPageProxy["render"]>[0];

export interface RenderedPage {
  canvas: Canvas;
  width: number;
  height: number;
}

/** Draws page `pageNumber` (1-based) exactly `width` px wide on white; the height follows, capped. */
export async function renderPage(
  document: PdfDocument,
  pageNumber: number,
  width: number,
  deadline: Deadline,
): Promise<RenderedPage> {
  const page = await document.getPage(pageNumber).catch((error: unknown) => {
    throw pdfFailure(deadline, error);
  });
  try {
    const pageSize = page.getViewport({ scale: 1 });
    if (!(pageSize.width > 0 && pageSize.height > 0)) {
      throw new MediaError("UNREADABLE_INPUT", `page ${pageNumber} of the PDF has no size`);
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
      throw pdfFailure(deadline, error);
    } finally {
      deadline.signal.removeEventListener("abort", cancelRender);
    }
    deadline.throwIfAborted();
    return { canvas, width, height };
  } finally {
    // Frees the page's operator list and decoded images; fonts stay with the document for the next page.
    page.cleanup();
  }
}

/** A smaller copy of a rendered page (e.g. the 320 px preview of the page the thumbnail was drawn from). */
export function scaleDown(rendered: RenderedPage, width: number): RenderedPage {
  const height = Math.max(1, Math.round((rendered.height * width) / rendered.width));
  const canvas = createCanvas(width, height);
  const context = canvas.getContext("2d");
  context.imageSmoothingQuality = "high";
  context.drawImage(rendered.canvas, 0, 0, width, height);
  return { canvas, width, height };
}
