import type { MediaRepository, PagePreviewRow } from "@learning-hub/db/repositories/media";
import type { MediaFacts, ThumbnailSubject, ThumbnailsRepository } from "@learning-hub/db/repositories/thumbnails";
import { type ObjectStorage, pagePreviewKey, placeholderKey, thumbnailKey } from "@learning-hub/storage";
import type { Logger } from "pino";
import { type FfmpegBinaries, MediaError, type MediaErrorCode, renderPdfAssets, renderVideoThumbnail } from "../media";
import { readMaterialFile } from "./material-file";
import { JPEG_CONTENT_TYPE } from "./thumbnail-keys";

export interface ThumbnailServiceDependencies {
  repository: ThumbnailsRepository;
  storage: ObjectStorage;
  ffmpeg: FfmpegBinaries;
  /** The job's timeout; renders get most of it so their own timeout (with a storable reason) fires first. */
  jobTimeoutMs: number;
  /** Issue 15: a preview of every page of a PDF (up to `maxPages`), rendered with the thumbnail. */
  pagePreviews?: { repository: MediaRepository; maxPages: number };
}

export interface ThumbnailAttempt {
  logger: Logger;
  signal: AbortSignal;
  /** A failure now is final: the row is marked failed before the error is rethrown. */
  isFinalAttempt: boolean;
}

/** How a run ended and, when it stored a thumbnail, from what kind of file and how large the JPEG is. */
export interface ThumbnailReport {
  outcome: "completed" | "already-completed" | "material-gone";
  type: "video" | "pdf" | null;
  outputBytes: number | null;
}

const ended = (outcome: "already-completed" | "material-gone"): ThumbnailReport => ({
  outcome,
  type: null,
  outputBytes: null,
});

interface RenderedThumbnail {
  jpeg: Buffer;
  facts: MediaFacts;
  /** Stored already; recorded with the thumbnail. */
  pages: PagePreviewRow[];
}

/**
 * Failures that are the file's fault, so the row is marked failed (with the reason and the placeholder)
 * once the attempts are used up. Anything else (storage or database down, no ffmpeg, shutdown) leaves the
 * row pending for the sweep to re-enqueue later.
 */
const INPUT_FAULTS: ReadonlySet<MediaErrorCode> = new Set(["UNREADABLE_INPUT", "NO_FRAME", "TIMEOUT"]);

/** Leaves a job this share of its timeout for reading the source and storing the result. */
const RENDER_SHARE_OF_TIMEOUT = 0.9;
const PDF_TIMEOUT_MS = 30_000;
/** A presigned URL must outlive the render that reads it (ffmpeg re-requests ranges while seeking). */
const MIN_PRESIGN_SECONDS = 15 * 60;

/** The thumbnail rules; the `generate_thumbnail` job handler calls it. */
export class ThumbnailService {
  constructor(private readonly deps: ThumbnailServiceDependencies) {}

  /**
   * Renders, stores and records the thumbnail of one material. Safe to run twice: a completed material is
   * left alone, and the object key is fixed. A material deleted before or during the render ends quietly
   * and leaves no thumbnail object behind.
   */
  async generate(materialId: number, attempt: ThumbnailAttempt): Promise<ThumbnailReport> {
    const { repository, storage } = this.deps;
    const subject = await repository.findSubject(materialId);
    if (!subject || subject.status === "hidden") {
      attempt.logger.info({ materialId }, "material is gone; no thumbnail needed");
      return ended("material-gone");
    }
    // Retried: the upload enqueues only after activating the row, so this is a brief race at most.
    if (subject.status !== "active") throw new Error(`material ${materialId} is still ${subject.status}`);
    if (subject.thumbnailStatus === "completed") {
      attempt.logger.info({ materialId, thumbnailPath: subject.thumbnailPath }, "thumbnail already completed");
      return ended("already-completed");
    }

    let rendered: RenderedThumbnail;
    try {
      rendered = await this.render(subject, attempt.signal);
    } catch (error) {
      if (attempt.isFinalAttempt && error instanceof MediaError && INPUT_FAULTS.has(error.code)) {
        const marked = await repository.markFailed(materialId, error.reason, placeholderKey(subject.type));
        attempt.logger.warn({ materialId, reason: error.reason, marked }, "thumbnail failed for good");
      }
      throw error;
    }

    const key = thumbnailKey(subject.uploaderId, subject.id);
    await storage.putBuffer(key, rendered.jpeg, JPEG_CONTENT_TYPE);
    if (!(await repository.markCompleted(materialId, key, rendered.facts))) {
      // Deleted while rendering: its delete may already have run, so the objects just stored are ours to remove.
      await storage.removeMany([key, ...rendered.pages.map((page) => page.previewPath)]);
      attempt.logger.info({ materialId }, "material was deleted during the render; thumbnail discarded");
      return ended("material-gone");
    }
    if (this.deps.pagePreviews) await this.deps.pagePreviews.repository.replacePages(materialId, rendered.pages);
    return { outcome: "completed", type: subject.type, outputBytes: rendered.jpeg.length };
  }

  private async render(subject: ThumbnailSubject, signal: AbortSignal): Promise<RenderedThumbnail> {
    const timeoutMs = Math.max(1_000, Math.floor(this.deps.jobTimeoutMs * RENDER_SHARE_OF_TIMEOUT));
    if (subject.type === "video") {
      // ffmpeg reads only the header and a few seconds around the seek point over HTTP ranges, instead of the
      // whole file (see bench/thumbnails for presigned URL against download-first).
      const expirySeconds = Math.max(MIN_PRESIGN_SECONDS, Math.ceil(this.deps.jobTimeoutMs / 1000));
      const url = await this.deps.storage.presignedGetUrl(subject.filePath, expirySeconds);
      const video = await renderVideoThumbnail(url, { binaries: this.deps.ffmpeg, signal, timeoutMs });
      return {
        jpeg: video.jpeg,
        facts: {
          durationSeconds: video.durationSeconds,
          width: video.sourceWidth,
          height: video.sourceHeight,
          pageCount: null,
        },
        pages: [],
      };
    }
    const source = await readMaterialFile(this.deps.storage, subject.filePath);
    const pagePreviews = this.deps.pagePreviews;
    const pages: PagePreviewRow[] = [];
    // pdfjs parses (for the page count) on the event loop, which also renews the job's lock: a thumbnail alone
    // keeps a short budget; previews (pdftoppm in its own process, then one upload per page) get the render's.
    const pdf = await renderPdfAssets(source, {
      signal,
      timeoutMs: pagePreviews && pagePreviews.maxPages > 0 ? timeoutMs : Math.min(timeoutMs, PDF_TIMEOUT_MS),
      previews:
        pagePreviews && pagePreviews.maxPages > 0
          ? {
              maxPages: pagePreviews.maxPages,
              onPreview: async (preview) => {
                const previewPath = pagePreviewKey(subject.uploaderId, subject.id, preview.page);
                await this.deps.storage.putBuffer(previewPath, preview.jpeg, JPEG_CONTENT_TYPE);
                pages.push({ page: preview.page, previewPath, width: preview.width, height: preview.height });
              },
            }
          : undefined,
    });
    return {
      jpeg: pdf.thumbnail.jpeg,
      facts: { durationSeconds: null, width: null, height: null, pageCount: pdf.pageCount },
      pages,
    };
  }
}
