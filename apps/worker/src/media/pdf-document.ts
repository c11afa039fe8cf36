import type { PDFDocumentProxy } from "pdfjs-dist/legacy/build/pdf.mjs";
import { type Deadline, startDeadline } from "./deadline";
import { asMediaError, MediaError } from "./media-error";
import { pdfjsAssetPaths } from "./pdfjs-assets";
import { installSkiaFontFace, skiaFontDocument } from "./pdfjs-fonts";
import { loadPdfjs } from "./pdfjs-module";

/** An opened pdfjs document; what `withPdfDocument` hands to each step (thumbnail, previews, text). */
export type PdfDocument = PDFDocumentProxy;

export interface OpenPdfOptions {
  /** pdfjs parses on this thread; cancel slow documents. Default 30 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Names the operation in timeout/abort reasons. Default "PDF rendering". */
  what?: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;
/** Images in the PDF above this many pixels are skipped instead of decoded (decompression bombs). */
const MAX_IMAGE_PIXELS = 50_000_000;
const PDFJS_VERBOSITY_ERRORS = 0;

export function pdfReason(error: unknown): string {
  const name = error instanceof Error ? error.name : "";
  const message = error instanceof Error ? error.message : String(error);
  if (name === "PasswordException") return "the PDF is password-protected";
  return `pdf.js could not read the PDF: ${message}`;
}

/** For steps: a pdfjs failure as an UNREADABLE_INPUT MediaError, unless the deadline is what stopped it. */
export function pdfFailure(deadline: Deadline, error: unknown): MediaError {
  deadline.throwIfAborted();
  return error instanceof MediaError ? error : new MediaError("UNREADABLE_INPUT", pdfReason(error), { cause: error });
}

/** Starts parsing `data` with pdfjs-dist: assets from the installed package, fonts handed to Skia. */
async function startLoading(data: Uint8Array) {
  // Loaded lazily: loading pdfjs installs DOMMatrix/Path2D polyfills on globalThis.
  const { getDocument } = await loadPdfjs();
  installSkiaFontFace();
  return getDocument({
    // A copy: pdfjs transfers (detaches) the buffer it is given, and callers' Buffers may share a pool.
    data: new Uint8Array(data),
    ...pdfjsAssetPaths(),
    cMapPacked: true,
    isEvalSupported: false,
    maxImageSize: MAX_IMAGE_PIXELS,
    verbosity: PDFJS_VERBOSITY_ERRORS,
    disableFontFace: false,
    ownerDocument: skiaFontDocument,
  });
}

export interface OpenedPdf {
  /** Rejects with MediaError (UNREADABLE_INPUT, or the deadline's TIMEOUT/ABORTED). */
  document: Promise<PDFDocumentProxy>;
  /** Frees the document, its fonts and its (fake) worker state so nothing is kept between jobs. */
  close(): Promise<void>;
}

/**
 * Starts parsing `data` and destroys the parse when `deadline` aborts; the caller must `close()` it whatever
 * happens (text extraction's entry point; `withPdfDocument` does the same around a callback).
 */
export async function openPdf(data: Uint8Array, deadline: Deadline): Promise<OpenedPdf> {
  const loadingTask = await startLoading(data);
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

/**
 * Opens a PDF once with pdfjs-dist and runs `use` on it (render the thumbnail, the page previews, extract the
 * text: each step takes the opened document), under one deadline; destroys the document afterwards so nothing
 * is kept between jobs. Throws MediaError with a storable reason on any failure. Does not modify `data`.
 */
export async function withPdfDocument<T>(
  data: Uint8Array,
  options: OpenPdfOptions,
  use: (document: PdfDocument, deadline: Deadline) => Promise<T>,
): Promise<T> {
  const what = options.what ?? "PDF rendering";
  const deadline = startDeadline(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, what, options.signal);
  // Loaded lazily: loading pdfjs installs DOMMatrix/Path2D polyfills on globalThis.
  const loadingTask = await startLoading(data);
  // Observed at once: destroy() on abort rejects this promise, possibly before it is awaited below.
  loadingTask.promise.catch(() => undefined);
  const abortLoading = () => void loadingTask.destroy();
  deadline.signal.addEventListener("abort", abortLoading, { once: true });
  try {
    deadline.throwIfAborted();
    const document = await loadingTask.promise.catch((error: unknown) => {
      throw pdfFailure(deadline, error);
    });
    const result = await use(document, deadline);
    deadline.throwIfAborted();
    return result;
  } catch (error) {
    throw asMediaError(error, `${what} failed`);
  } finally {
    deadline.signal.removeEventListener("abort", abortLoading);
    deadline.dispose();
    // Frees the document, its fonts and its (fake) worker state.
    await loadingTask.destroy();
  }
}
