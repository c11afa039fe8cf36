import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Deadline, startDeadline } from "./deadline";
import { jpegSize } from "./jpeg";
import { asMediaError, MediaError } from "./media-error";
import { openPdf } from "./pdf-document";
import type { PdfThumbnail } from "./pdf-thumbnail";
import { runPdftoppm } from "./pdftoppm";

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
  /** Called with each preview in page order, the next one read from disk only after (memory stays flat). */
  onPreview: (preview: PagePreview) => Promise<void>;
}

export interface PdfAssetsOptions {
  /** The whole call: parsing, rendering, handing over the previews. Default 30 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
  thumbnail?: { width?: number; quality?: number };
  previews?: PagePreviewOptions;
  /** The pdftoppm executable (Debian `poppler-utils`). Default `pdftoppm` on PATH. */
  pdftoppmPath?: string;
  /** Where the private directory of each call (the PDF, the images) is made. Default the OS temp directory. */
  workRoot?: string;
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
const DEFAULT_TIMEOUT_MS = 30_000;
/** Pages taller than this many widths (receipts, posters, broken MediaBoxes) are cut to their top part. */
const MAX_HEIGHT_TO_WIDTH = 4;
const PREVIEW_FILE = /^preview-(\d+)\.jpg$/;

/** The size of a JPEG pdftoppm wrote; it always writes a frame header, so a missing one is our failure. */
function sizeOf(jpeg: Buffer, what: string): { width: number; height: number } {
  const size = jpegSize(jpeg);
  if (!size) throw new MediaError("INTERNAL", `pdftoppm wrote ${what} without a JPEG frame header`);
  return size;
}

/** pdfjs's part: the page count (and pdfjs's reason when the PDF cannot be read). */
async function readDocument(data: Uint8Array, deadline: Deadline) {
  const opened = await openPdf(data, deadline);
  try {
    const document = await opened.document;
    return document.numPages;
  } finally {
    await opened.close();
  }
}

/** Hands the previews pdftoppm wrote to `onPreview` in page order, one file in memory at a time. */
async function deliverPreviews(workDir: string, options: PagePreviewOptions, deadline: Deadline): Promise<number> {
  // pdftoppm pads the page number to the digits of the document's page count: read the numbers, not the names.
  const pages = (await readdir(workDir))
    .map((name) => ({ name, page: Number(PREVIEW_FILE.exec(name)?.[1] ?? Number.NaN) }))
    .filter((file) => Number.isInteger(file.page))
    .sort((a, b) => a.page - b.page);
  for (const { name, page } of pages) {
    deadline.throwIfAborted();
    const jpeg = await readFile(path.join(workDir, name));
    await options.onPreview({ page, jpeg, ...sizeOf(jpeg, `the preview of page ${page}`) });
  }
  return pages.length;
}

/**
 * Makes everything the worker shows of a PDF: the page-1 thumbnail and a preview of every page up to the cap,
 * rasterised by poppler's pdftoppm (one run for the thumbnail beside one for all the previews) from a
 * copy in a private temporary directory, removed afterwards. pdfjs opens the document meanwhile for the
 * page count. Throws MediaError: pdfjs's reason when it cannot read the PDF,
 * pdftoppm's when it cannot render it, TIMEOUT/ABORTED (pdftoppm killed either way); a failing `onPreview` fails
 * the whole call. Does not modify `data`.
 */
export async function renderPdfAssets(data: Uint8Array, options: PdfAssetsOptions = {}): Promise<PdfAssets> {
  const deadline = startDeadline(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, "PDF rendering", options.signal);
  // Stops the renders still running when another part fails.
  const stop = new AbortController();
  const signal = AbortSignal.any([deadline.signal, stop.signal]);
  let settled: Promise<unknown> | undefined;
  let workDir: string | undefined;
  try {
    const dir = await mkdtemp(path.join(options.workRoot ?? tmpdir(), "pdf-render-"));
    workDir = dir;
    const pdfPath = path.join(dir, "document.pdf");
    await writeFile(pdfPath, data, { mode: 0o600 });
    const pdftoppmPath = options.pdftoppmPath ?? "pdftoppm";
    const thumbnailWidth = options.thumbnail?.width ?? DEFAULT_THUMBNAIL_WIDTH;
    const thumbnailPrefix = path.join(dir, "thumbnail");
    const previews = options.previews;
    const maxPreviews = previews?.maxPages ?? DEFAULT_MAX_PREVIEW_PAGES;
    const previewWidth = previews?.width ?? DEFAULT_PREVIEW_WIDTH;
    // Both runs at once, each in its own process: on an ordinary machine the page-1 run then costs little
    // beyond the all-pages run (bench/media part 2b: 0.88 of one after the other), while one run of all pages
    // at the thumbnail's width costs 16-40% more (2c). Only on a saturated machine was one after the other faster.
    const thumbnailRun = runPdftoppm({
      ...{ pdftoppmPath, pdfPath, outputPrefix: thumbnailPrefix, firstPage: 1, lastPage: 1, singleFile: true },
      ...{ width: thumbnailWidth, maxHeight: thumbnailWidth * MAX_HEIGHT_TO_WIDTH, signal },
      quality: options.thumbnail?.quality ?? DEFAULT_THUMBNAIL_QUALITY,
    });
    const previewsRun =
      previews && maxPreviews > 0
        ? runPdftoppm({
            ...{ pdftoppmPath, pdfPath, outputPrefix: path.join(dir, "preview"), firstPage: 1 },
            ...{ lastPage: maxPreviews, width: previewWidth, maxHeight: previewWidth * MAX_HEIGHT_TO_WIDTH, signal },
            quality: previews.quality ?? DEFAULT_PREVIEW_QUALITY,
          })
        : undefined;
    const runs = previewsRun ? [thumbnailRun, previewsRun] : [thumbnailRun];
    // The first failure stops the other run; the directory is removed only once both have exited.
    for (const run of runs) run.catch(() => stop.abort());
    settled = Promise.allSettled(runs);
    const rendering = Promise.all(runs).then(() => undefined);
    rendering.catch(() => undefined);
    // pdfjs parses on this thread while pdftoppm renders in its own process; its reason comes first.
    const pageCount = await readDocument(data, deadline);
    await rendering;
    const jpeg = await readFile(`${thumbnailPrefix}.jpg`);
    const thumbnail = { jpeg, ...sizeOf(jpeg, "the thumbnail"), pageCount };
    const previewCount = previews && maxPreviews > 0 ? await deliverPreviews(dir, previews, deadline) : 0;
    deadline.throwIfAborted();
    return { thumbnail, pageCount, previewCount };
  } catch (error) {
    stop.abort();
    // The deadline's reason when it is what ended the call, whatever part noticed first.
    if (deadline.signal.aborted) throw deadline.signal.reason;
    throw asMediaError(error, "PDF rendering failed");
  } finally {
    // Nothing is removed while pdftoppm may still be writing into the directory.
    await settled;
    deadline.dispose();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  }
}
