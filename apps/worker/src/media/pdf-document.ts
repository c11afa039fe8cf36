import type { PDFDocumentProxy } from "pdfjs-dist/legacy/build/pdf.mjs";
import type { Deadline } from "./deadline";
import { MediaError } from "./media-error";
import { pdfjsAssetPaths } from "./pdfjs-assets";
import { loadPdfjs } from "./pdfjs-module";

/** Images in the PDF above this many pixels are skipped instead of decoded (decompression bombs). */
const MAX_IMAGE_PIXELS = 50_000_000;
const PDFJS_VERBOSITY_ERRORS = 0;

export interface OpenedPdf {
  /** Rejects with MediaError (UNREADABLE_INPUT, or the deadline's TIMEOUT/ABORTED). */
  document: Promise<PDFDocumentProxy>;
  /** Frees the document, its fonts and its (fake) worker state so nothing is kept between jobs. */
  close(): Promise<void>;
}

export function pdfReason(error: unknown): string {
  const name = error instanceof Error ? error.name : "";
  const message = error instanceof Error ? error.message : String(error);
  if (name === "PasswordException") return "the PDF is password-protected";
  return `pdf.js could not read the PDF: ${message}`;
}

/**
 * Starts parsing `data` with pdfjs-dist, with its CMaps and standard fonts from the installed package, and
 * destroys the parse when `deadline` aborts. The caller must `close()` it whatever happens.
 */
export async function openPdf(data: Uint8Array, deadline: Deadline): Promise<OpenedPdf> {
  // Loaded lazily: loading pdfjs installs DOMMatrix/Path2D polyfills on globalThis.
  const { getDocument } = await loadPdfjs();
  const loadingTask = getDocument({
    // A copy: pdfjs transfers (detaches) the buffer it is given, and callers' Buffers may share a pool.
    data: new Uint8Array(data),
    ...pdfjsAssetPaths(),
    cMapPacked: true,
    isEvalSupported: false,
    maxImageSize: MAX_IMAGE_PIXELS,
    verbosity: PDFJS_VERBOSITY_ERRORS,
  });
  // Observed at once: destroy() on abort rejects this promise, possibly before it is awaited.
  loadingTask.promise.catch(() => undefined);
  const abortLoading = () => void loadingTask.destroy();
  deadline.signal.addEventListener("abort", abortLoading, { once: true });
  const document = (async () => {
    deadline.throwIfAborted();
    return loadingTask.promise.catch((error: unknown) => {
      deadline.throwIfAborted();
      throw new MediaError("UNREADABLE_INPUT", pdfReason(error), { cause: error });
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
