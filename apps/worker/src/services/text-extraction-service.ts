import type { TextIndexRepository } from "@learning-hub/db/repositories/text-index";
import type { ObjectStorage } from "@learning-hub/storage";
import type { Logger } from "pino";
import { extractPdfText, MediaError, type MediaErrorCode, type PdfTextLimits } from "../media";
import { readMaterialFile } from "./material-file";

export interface TextExtractionServiceDependencies {
  repository: TextIndexRepository;
  storage: ObjectStorage;
  limits: PdfTextLimits;
  /** The job's timeout; extraction gets most of it so its own timeout (with a storable reason) fires first. */
  jobTimeoutMs: number;
}

export interface TextExtractionAttempt {
  logger: Logger;
  signal: AbortSignal;
  /** A failure now is final: the row is marked failed before the error is rethrown. */
  isFinalAttempt: boolean;
}

export type TextExtractionOutcome = "completed" | "no_text" | "already-indexed" | "not-a-pdf" | "material-gone";

/** Failures that are the file's fault: after the last attempt the material is marked `failed`. */
const INPUT_FAULTS: ReadonlySet<MediaErrorCode> = new Set(["UNREADABLE_INPUT", "TIMEOUT"]);
const EXTRACTION_SHARE_OF_TIMEOUT = 0.9;

/** The page-text rules; the `extract_text` job handler calls it. */
export class TextExtractionService {
  constructor(private readonly deps: TextExtractionServiceDependencies) {}

  /**
   * Extracts and indexes the text of one PDF's pages. Safe to run twice (pages are replaced as a whole). A
   * PDF without a text layer ends `no_text`, not failed. A material deleted meanwhile ends quietly.
   */
  async extract(materialId: number, attempt: TextExtractionAttempt): Promise<TextExtractionOutcome> {
    const { repository } = this.deps;
    const subject = await repository.findSubject(materialId);
    if (!subject || subject.status === "hidden") return "material-gone";
    // Retried: the upload enqueues only after activating the row, so this is a brief race at most.
    if (subject.status !== "active") throw new Error(`material ${materialId} is still ${subject.status}`);
    if (subject.type !== "pdf") return "not-a-pdf";
    if (subject.textStatus === "completed" || subject.textStatus === "no_text") return "already-indexed";

    let pages: Awaited<ReturnType<typeof extractPdfText>>;
    try {
      const source = await readMaterialFile(this.deps.storage, subject.filePath);
      const timeoutMs = Math.max(1_000, Math.floor(this.deps.jobTimeoutMs * EXTRACTION_SHARE_OF_TIMEOUT));
      pages = await extractPdfText(source, { ...this.deps.limits, signal: attempt.signal, timeoutMs });
    } catch (error) {
      if (attempt.isFinalAttempt && error instanceof MediaError && INPUT_FAULTS.has(error.code)) {
        const marked = await repository.markFailed(materialId, error.reason);
        attempt.logger.warn({ materialId, reason: error.reason, marked }, "text extraction failed for good");
      }
      throw error;
    }
    if (!(await repository.replacePages(materialId, pages.pages, pages.skipped))) return "material-gone";
    if (pages.skipped) attempt.logger.info({ materialId, skipped: pages.skipped }, "text extraction hit a limit");
    return pages.pages.length > 0 ? "completed" : "no_text";
  }
}
