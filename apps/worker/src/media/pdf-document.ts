import type { PDFDocumentProxy } from "pdfjs-dist/legacy/build/pdf.mjs";
import type { Deadline } from "./deadline";
import { MediaError } from "./media-error";
import { pdfjsAssetPaths } from "./pdfjs-assets";
import { loadPdfjs } from "./pdfjs-module";

/** An opened pdfjs document: what the page count and text extraction read (rendering is poppler's). */
export type PdfDocument = PDFDocumentProxy;

/** Images in the PDF above this many pixels are skipped instead of decoded (decompression bombs). */
const MAX_IMAGE_PIXELS = 50_000_000;
const PDFJS_VERBOSITY_ERRORS = 0;

export function pdfReason(error: unknown): string {
  const name = error instanceof Error ? error.name : "";
  const message = error instanceof Error ? error.message : String(error);
  if (name === "PasswordException") return "the PDF is password-protected";
  return `pdf.js could not read the PDF: ${message}`;
}

/** A pdfjs failure as an UNREADABLE_INPUT MediaError, unless the deadline is what stopped it. */
export function pdfFailure(deadline: Deadline, error: unknown): MediaError {
  deadline.throwIfAborted();
  return error instanceof MediaError ? error : new MediaError("UNREADABLE_INPUT", pdfReason(error), { cause: error });
}

/** Starts parsing `data` with pdfjs-dist, with the CMaps and standard fonts of the installed package. */
async function startLoading(data: Uint8Array) {
  // Loaded lazily: loading pdfjs installs DOMMatrix/Path2D polyfills on globalThis.
  const { getDocument } = await loadPdfjs();
  return getDocument({
    // A copy: pdfjs transfers (detaches) the buffer it is given, and callers' Buffers may share a pool.
    data: new Uint8Array(data),
    ...pdfjsAssetPaths(),
    cMapPacked: true,
    isEvalSupported: false,
    maxImageSize: MAX_IMAGE_PIXELS,
    verbosity: PDFJS_VERBOSITY_ERRORS,
    // Nothing is drawn with pdfjs: its fonts are only read for their text, never loaded as font faces.
    disableFontFace: true,
  });
}

export interface OpenedPdf {
  /** Rejects with MediaError (UNREADABLE_INPUT, or the deadline's TIMEOUT/ABORTED). */
  document: Promise<PDFDocumentProxy>;
  /** Frees the document and its (fake) worker state so nothing is kept between jobs. */
  close(): Promise<void>;
}

/**
 * Starts parsing `data` and destroys the parse when `deadline` aborts; the caller must `close()` it whatever
 * happens. Does not modify `data`.
 */
export async function openPdf(data: Uint8Array, deadline: Deadline): Promise<OpenedPdf> {
  const loadingTask = await startLoading(data);
  // Observed at once: destroy() on abort rejects this promise, possibly before it is awaited.
  loadingTask.promise.catch(() => undefined);
  const abortLoading = () => void loadingTask.destroy();
  deadline.signal.addEventListener("abort", abortLoading, { once: true });
  const document = (async () => {
    deadline.throwIfAborted();
    return loadingTask.promise.catch((error: unknown) => {
      throw pdfFailure(deadline, error);
    });
  })();
  document.catch(() => undefined);
  return {
    document,
    async close() {
      deadline.signal.removeEventListener("abort", abortLoading);
      await loadingTask.destroy();
    },
  };
}
