import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type { MediaRepository, MediaSubject } from "@learning-hub/db/repositories/media";
import type { JobQueues } from "@learning-hub/queue";
import { convertedKey, type ObjectStorage } from "@learning-hub/storage";
import { UnrecoverableError } from "bullmq";
import type { Logger } from "pino";
import {
  type FfmpegBinaries,
  MediaError,
  type MediaErrorCode,
  OFFICE_FORMATS,
  type OfficeConverter,
  type OfficeFormat,
  prepareVideo,
  type TranscodeSettings,
  type VideoFormat,
} from "../media";

export interface MediaPreparationDependencies {
  repository: MediaRepository;
  storage: ObjectStorage;
  ffmpeg: FfmpegBinaries;
  converter: OfficeConverter;
  queues: Pick<JobQueues, "enqueueThumbnail" | "enqueueStoryboard" | "enqueueTextExtraction">;
  transcode: TranscodeSettings;
  niceness: number;
  transcodeTimeoutMs: number;
}

export interface MediaAttempt {
  logger: Logger;
  signal: AbortSignal;
  isFinalAttempt: boolean;
}

export type MediaPreparationOutcome = "converted" | "transcoded" | "remuxed" | "already-prepared" | "material-gone";

/** The file's fault: after the last attempt the material is marked `failed` with the reason. */
const INPUT_FAULTS: ReadonlySet<MediaErrorCode> = new Set(["UNREADABLE_INPUT", "NO_FRAME", "TIMEOUT", "REFUSED_INPUT"]);
/** Progress is written at most this often (ffmpeg reports twice a second). */
const PROGRESS_INTERVAL_MS = 1_000;

const isOfficeFormat = (format: string): format is OfficeFormat =>
  (OFFICE_FORMATS as readonly string[]).includes(format);

/**
 * The rules of the `prepare_media` job: an office document becomes a PDF, a video a browser-playable mp4; the
 * converted file is stored beside the original, the material becomes active (only now listed and found), and
 * its thumbnail (and storyboard) are queued. A failure for good keeps the original and records the reason.
 */
export class MediaPreparationService {
  constructor(private readonly deps: MediaPreparationDependencies) {}

  async prepare(materialId: number, attempt: MediaAttempt): Promise<MediaPreparationOutcome> {
    const { repository } = this.deps;
    const subject = await repository.findSubject(materialId);
    if (!subject || subject.status === "hidden") return "material-gone";
    if (subject.status === "active") return "already-prepared";
    const office = isOfficeFormat(subject.fileFormat);
    if (!(await repository.startStage(materialId, office ? "converting" : "transcoding"))) return "material-gone";

    const workDir = await mkdtemp(path.join(tmpdir(), "prepare-media-"));
    try {
      const sourceKey = subject.sourcePath ?? subject.filePath;
      const source = path.join(workDir, `source.${subject.fileFormat}`);
      await pipeline(await this.deps.storage.getStream(sourceKey), createWriteStream(source));
      const result = office
        ? await this.convertDocument(subject, source, workDir, attempt)
        : await this.prepareVideo(subject, source, workDir, attempt);
      const output = result.output;
      const fileKey = output ? convertedKey(sourceKey, office ? "pdf" : "mp4") : sourceKey;
      if (output) {
        const contentType = office ? "application/pdf" : "video/mp4";
        await this.deps.storage.putStream(fileKey, createReadStream(output), { contentType });
      }
      const fileSize = (await stat(output ?? source)).size;
      const completed = await repository.complete(materialId, {
        filePath: fileKey,
        sourcePath: output ? sourceKey : null,
        fileSize,
      });
      if (!completed) {
        if (output) await this.deps.storage.remove(fileKey);
        return "material-gone";
      }
      await this.enqueueFollowUps(materialId, office, attempt.logger);
      return result.outcome;
    } catch (error) {
      if (error instanceof MediaError && INPUT_FAULTS.has(error.code)) {
        const final = attempt.isFinalAttempt || error.code === "REFUSED_INPUT";
        if (final) {
          await repository.fail(materialId, error.reason);
          attempt.logger.warn({ materialId, reason: error.reason }, "media preparation failed for good");
          // A refused file is refused again on every attempt.
          if (error.code === "REFUSED_INPUT") throw new UnrecoverableError(error.reason);
        }
      }
      throw error;
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  }

  private async convertDocument(
    subject: MediaSubject,
    source: string,
    workDir: string,
    attempt: MediaAttempt,
  ): Promise<{ output: string; outcome: MediaPreparationOutcome }> {
    const output = path.join(workDir, "converted.pdf");
    await this.deps.converter.convertToPdf(source, subject.fileFormat as OfficeFormat, output, {
      signal: attempt.signal,
    });
    await this.deps.repository.setProgress(subject.id, 90);
    return { output, outcome: "converted" };
  }

  private async prepareVideo(
    subject: MediaSubject,
    source: string,
    workDir: string,
    attempt: MediaAttempt,
  ): Promise<{ output: string | null; outcome: MediaPreparationOutcome }> {
    const output = path.join(workDir, "playable.mp4");
    let lastWrite = 0;
    let pending: Promise<void> = Promise.resolve();
    const prepared = await prepareVideo(source, subject.fileFormat as VideoFormat, output, {
      binaries: this.deps.ffmpeg,
      transcode: this.deps.transcode,
      niceness: this.deps.niceness,
      timeoutMs: this.deps.transcodeTimeoutMs,
      signal: attempt.signal,
      onProgress: (percent) => {
        const now = Date.now();
        if (percent >= 100 || now - lastWrite < PROGRESS_INTERVAL_MS) return;
        lastWrite = now;
        pending = pending.then(() => this.deps.repository.setProgress(subject.id, percent)).catch(() => undefined);
      },
    });
    await pending;
    if (!prepared.written) return { output: null, outcome: "remuxed" };
    return { output, outcome: prepared.plan.action === "remux" ? "remuxed" : "transcoded" };
  }

  /** The material is active whatever happens here: the thumbnail sweep re-enqueues a lost thumbnail job. */
  private async enqueueFollowUps(materialId: number, office: boolean, logger: Logger): Promise<void> {
    try {
      await this.deps.queues.enqueueThumbnail(materialId);
      // A converted document's pages are searchable like a PDF's; a video gets its storyboard.
      if (office) await this.deps.queues.enqueueTextExtraction(materialId);
      else await this.deps.queues.enqueueStoryboard(materialId);
    } catch (error) {
      logger.warn({ err: error, materialId }, "could not enqueue the thumbnail/storyboard after preparation");
    }
  }
}
