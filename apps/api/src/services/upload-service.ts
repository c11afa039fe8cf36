import { pipeline, type Readable } from "node:stream";
import type { MaterialRow, MaterialStatus } from "@learning-hub/db";
import { CaptionsRepository } from "@learning-hub/db/repositories/captions";
import { MaterialsRepository } from "@learning-hub/db/repositories/materials";
import { TextIndexRepository } from "@learning-hub/db/repositories/text-index";
import { type UploadCompletion, type UploadState, UploadsRepository } from "@learning-hub/db/repositories/uploads";
import type { JobQueues } from "@learning-hub/queue";
import { ByteCounter, isPlaceholderKey, type ObjectStorage, thumbnailKey } from "@learning-hub/storage";
import type { FastifyBaseLogger } from "fastify";
import type { ServiceDependencies } from "../dependencies";
import {
  AppError,
  alreadyDeleted,
  fileTooLarge,
  forbidden,
  invalidStatus,
  materialNotFound,
  unsupportedFileType,
  uploadFailed,
  validationError,
} from "../errors/app-error";
import { isDatabaseUnavailable } from "../errors/database";
import { type Material, toMaterialResponse } from "../schemas/material";
import type { ThumbnailStatusResponse, UploadStatusResponse } from "../schemas/upload";
import { detectUploadFormat, SNIFF_BYTES, type UploadFormat } from "./file-type";
import { materialObjectKey, safeFileName } from "./object-key";
import { readHead, SourceStreamError } from "./stream-head";
import { type FormFieldPart, UploadForm } from "./upload-form";

const MiB = 1024 * 1024;

/** One part of a multipart form, as the route hands it over (shaped like @fastify/multipart's parts). */
export type UploadPart =
  | ({ type: "field" } & FormFieldPart)
  | { type: "file"; fieldname: string; filename: string; file: Readable };

export interface UploadTuning {
  /** Part size of the multipart upload to storage. */
  partSizeBytes: number;
  /** Parts uploading at once; memory per upload is about `partSizeBytes * (maxPartsInFlight + 1)`. */
  maxPartsInFlight: number;
  /** How long the request waits for Redis to take the thumbnail job before leaving it to the sweep. */
  enqueueTimeoutMs: number;
}

/**
 * Tuned with bench/upload (figures in bench/RESULTS.md): with 8 MiB parts and 3 in flight the API's peak RSS grew
 * with the file's size (spent part buffers are external memory V8 collects late, so more of them pile up during a
 * long upload); 5 MiB (S3's minimum) and 2 in flight keep it flat and still keep s3rver busy.
 */
export const DEFAULT_UPLOAD_TUNING: UploadTuning = {
  partSizeBytes: 5 * MiB,
  maxPartsInFlight: 2,
  enqueueTimeoutMs: 2_000,
};

/** Attempts at a free object key: the plain one, then with random suffixes. */
const KEY_ATTEMPTS = 5;

const STATUS_PROGRESS: Record<MaterialStatus, { progress: number; message: string }> = {
  processing: { progress: 50, message: "Upload in progress" },
  active: { progress: 100, message: "Upload complete and ready" },
  hidden: { progress: 100, message: "Material has been deleted" },
};

export interface Viewer {
  id: number;
  isAdmin: boolean;
}

/** The row and object of a file stored for a form that is not finished yet. */
interface StoredFile {
  row: MaterialRow;
  size: number;
  format: UploadFormat;
}

type ThumbnailQueue = Pick<
  JobQueues,
  "enqueueThumbnail" | "enqueueTextExtraction" | "enqueuePrepareMedia" | "enqueueStoryboard"
>;
type BytesStoredListener = (bytes: number) => void;

/** A material's search index: its caption tracks and page text go with its file. */
export interface MaterialText {
  captions: Pick<CaptionsRepository, "list" | "removeAll">;
  text: Pick<TextIndexRepository, "deletePages">;
}

/**
 * Streamed uploads into object storage, their status, and their deletion.
 *
 * An upload's row is created `processing` before its bytes stream to their
 * final key, and becomes `active` only once the object is stored and the form
 * is complete and valid. Every failure before that (bad type, too large, bad
 * fields after the file, the client gone, storage or database errors) removes
 * both the row and the object before the error leaves this service.
 */
export class UploadService {
  readonly #bytesStored = new Set<BytesStoredListener>();

  constructor(
    private readonly uploads: UploadsRepository,
    private readonly materials: Pick<MaterialsRepository, "hide">,
    private readonly storage: ObjectStorage,
    private readonly queues: ThumbnailQueue,
    private readonly logger: FastifyBaseLogger,
    private readonly materialText: MaterialText,
    private readonly tuning: UploadTuning = DEFAULT_UPLOAD_TUNING,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Calls `listener` with the size of each stored upload (e.g. for a byte counter metric); returns an unsubscribe. */
  onBytesStored(listener: BytesStoredListener): () => void {
    this.#bytesStored.add(listener);
    return () => this.#bytesStored.delete(listener);
  }

  /**
   * Reads the form part by part. Errors of the request body itself come out
   * as `SourceStreamError` (the route knows what its parser's errors mean);
   * rule violations as `AppError`; PostgreSQL being unreachable as it is;
   * anything else as 500 `UPLOAD_FAILED`.
   */
  async upload(uploaderId: number, parts: AsyncIterable<UploadPart>): Promise<Material> {
    const form = new UploadForm();
    let stored: StoredFile | undefined;
    try {
      for await (const part of sourceErrorsMarked(parts)) {
        if (part.type === "field") {
          form.add(part);
          continue;
        }
        if (stored || part.fieldname !== "file") {
          part.file.destroy();
          throw validationError([{ field: part.fieldname, reason: "unexpected file: send one file, as `file`" }]);
        }
        const early = form.problems();
        if (early.length > 0) {
          part.file.destroy();
          throw validationError(early);
        }
        stored = await this.#storeFile(uploaderId, part, form);
      }
      const problems = form.finalProblems(stored !== undefined);
      if (!stored || problems.length > 0) throw validationError(problems);
      return await this.#complete(stored, form);
    } catch (error) {
      if (stored) await this.#discard(stored.row);
      // PostgreSQL being unreachable is the error handler's 503 DATABASE_ERROR, not a failed upload.
      const passThrough =
        error instanceof AppError || error instanceof SourceStreamError || isDatabaseUnavailable(error);
      throw passThrough ? error : uploadFailed(error);
    }
  }

  async status(materialId: number, viewer: Viewer): Promise<UploadStatusResponse> {
    const state = await this.#stateFor(materialId, viewer);
    return {
      material_id: state.id,
      status: state.status,
      ...progressOf(state),
      thumbnail_path: state.thumbnailPath,
      has_thumbnail: hasThumbnail(state),
      stage: state.stage,
      failure_reason: state.failureReason,
    };
  }

  async thumbnailStatus(materialId: number, viewer: Viewer): Promise<ThumbnailStatusResponse> {
    const state = await this.#stateFor(materialId, viewer);
    return {
      material_id: state.id,
      thumbnail_status: state.thumbnailStatus,
      thumbnail_path: state.thumbnailPath,
      has_thumbnail: hasThumbnail(state),
    };
  }

  /**
   * Removes the file, its thumbnail and its caption tracks from storage for
   * good, then hides the row and drops its page text and cues from the search
   * index. Objects go first so that a storage failure leaves a row the owner can
   * delete again; shared placeholder images are never removed.
   */
  async remove(materialId: number, userId: number): Promise<void> {
    const state = await this.uploads.findState(materialId);
    if (!state) throw materialNotFound();
    if (state.uploaderId !== userId) throw forbidden("Only the uploader can delete this material");
    if (state.status === "hidden") throw alreadyDeleted();
    // A failed conversion is the owner's to delete; one in progress finishes first.
    if (state.status === "processing" && state.stage !== "failed") {
      throw invalidStatus("The upload is still in progress", { status: state.status });
    }
    const derived = await this.uploads.derivedObjectKeys(materialId);
    const captions = await this.materialText.captions.list(materialId);
    const keys = [
      state.filePath,
      state.sourcePath,
      thumbnailKey(state.uploaderId, state.id),
      state.thumbnailPath,
      ...derived,
      ...(state.storyboard ? [state.storyboard.vttPath, ...state.storyboard.spritePaths] : []),
      ...captions.map((track) => track.objectPath),
    ].filter((key): key is string => key !== null && !isPlaceholderKey(key));
    const removal = await this.storage.removeMany(keys);
    if (removal.errors.length > 0) {
      throw new Error(`Could not remove objects of material ${materialId}: ${JSON.stringify(removal.errors)}`);
    }
    if (!(await this.materials.hide(materialId))) throw alreadyDeleted();
    await Promise.all([
      this.materialText.captions.removeAll(materialId),
      this.materialText.text.deletePages(materialId),
    ]);
  }

  async #stateFor(materialId: number, viewer: Viewer): Promise<UploadState> {
    const state = await this.uploads.findState(materialId);
    if (!state) throw materialNotFound();
    if (state.uploaderId !== viewer.id && !viewer.isAdmin) {
      throw forbidden("Only the uploader or an admin can see this upload");
    }
    return state;
  }

  /** Checks the type, creates the `processing` row and streams the file to its key; cleans up after itself. */
  async #storeFile(
    uploaderId: number,
    part: Extract<UploadPart, { type: "file" }>,
    form: UploadForm,
  ): Promise<StoredFile> {
    const { head, stream } = await readHead(part.file, SNIFF_BYTES);
    let row: MaterialRow | undefined;
    try {
      const format = await detectUploadFormat(part.filename, head);
      if (!format) {
        throw unsupportedFileType(part.filename);
      }
      row = await this.#createRow(uploaderId, part.filename, format, form);
      const counter = new ByteCounter({ maxBytes: format.maxBytes, createLimitError: () => fileTooLarge(format) });
      // Errors travel both ways as destroy(): a source failure fails the counter (and so the upload), the limit stops the source.
      pipeline(stream, counter, () => {});
      const { size } = await this.storage.putStream(row.filePath, counter, {
        contentType: format.contentType,
        partSizeBytes: this.tuning.partSizeBytes,
        maxPartsInFlight: this.tuning.maxPartsInFlight,
      });
      return { row, size, format };
    } catch (error) {
      stream.destroy();
      if (row) await this.#discard(row);
      throw error;
    }
  }

  /** The `processing` row, at `materials/{user}/{time}_{name}` or, when that key is taken, a suffixed one. */
  async createProcessingRow(
    uploaderId: number,
    filename: string,
    format: UploadFormat,
    fields: { title: string; description: string | null },
  ): Promise<MaterialRow> {
    const startedAt = this.now();
    const safeName = safeFileName(filename, format.name);
    for (let attempt = 0; attempt < KEY_ATTEMPTS; attempt++) {
      const row = await this.uploads.insertProcessing({
        uploaderId,
        title: fields.title,
        description: fields.description,
        type: format.type,
        fileFormat: format.name,
        filePath: materialObjectKey(uploaderId, startedAt, safeName, attempt > 0),
      });
      if (row) return row;
    }
    throw new Error(`No free object key for ${safeName} after ${KEY_ATTEMPTS} attempts`);
  }

  #createRow(uploaderId: number, filename: string, format: UploadFormat, form: UploadForm): Promise<MaterialRow> {
    // The title may still be on its way (after the file); the safe name holds its place meanwhile.
    const title = form.title ?? safeFileName(filename, format.name);
    return this.createProcessingRow(uploaderId, filename, format, { title, description: form.description });
  }

  #complete(stored: StoredFile, form: UploadForm): Promise<Material> {
    return this.activateStored(stored.row.id, stored.format.conversion, {
      title: form.title ?? stored.row.title,
      description: form.description,
      fileSize: stored.size,
    });
  }

  /**
   * A `processing` row whose object is stored in full becomes `active`, its thumbnail (and a PDF's text) enqueued;
   * or, for a format the worker converts first (issue 15), it waits in its `conversion` stage for `prepare_media`.
   */
  async activateStored(
    materialId: number,
    conversion: UploadFormat["conversion"],
    completion: UploadCompletion,
  ): Promise<Material> {
    const row = conversion
      ? await this.uploads.awaitConversion(materialId, completion, conversion)
      : await this.uploads.activate(materialId, completion);
    if (!row) throw new Error(`Material ${materialId} stopped being processing during its upload`);
    for (const listener of this.#bytesStored) listener(completion.fileSize);
    if (conversion) {
      // Thumbnail, text and storyboard follow once the worker made the displayable file.
      await this.#enqueue(
        () => this.queues.enqueuePrepareMedia(row.id),
        row.id,
        "Could not enqueue the conversion job; the pending-thumbnail sweep will enqueue it",
      );
      return toMaterialResponse(row);
    }
    await Promise.all([
      this.#enqueue(
        () => this.queues.enqueueThumbnail(row.id),
        row.id,
        "Could not enqueue the thumbnail job; the pending-thumbnail sweep will enqueue it",
      ),
      // A PDF's page text, for search, beside its thumbnail.
      row.type === "pdf" &&
        this.#enqueue(
          () => this.queues.enqueueTextExtraction(row.id),
          row.id,
          "Could not enqueue text extraction; the search backfill will enqueue it",
        ),
      // A video that plays as uploaded gets its storyboard (a converted one once converted).
      row.type === "video" &&
        this.#enqueue(() => this.queues.enqueueStoryboard(row.id), row.id, "Could not enqueue the storyboard job"),
    ]);
    return toMaterialResponse(row);
  }

  /**
   * The upload has succeeded whatever happens here: when Redis is down the
   * material keeps `thumbnail_status` (and `text_status`) `pending` and the
   * periodic `sweep_pending_thumbnails` (and `backfill_text_index`) job enqueues it later.
   */
  async #enqueue(enqueue: () => Promise<void>, materialId: number, failure: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("Timed out")), this.tuning.enqueueTimeoutMs);
    });
    const enqueued = enqueue();
    enqueued.catch(() => {}); // when the timeout wins, a later rejection is expected and already logged below
    try {
      await Promise.race([enqueued, timeout]);
    } catch (error) {
      this.logger.warn({ err: error, materialId }, failure);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Best effort, both at once: what is left (a stale row, an orphan object) the cleanup job removes. */
  async #discard(row: MaterialRow): Promise<void> {
    const [object, record] = await Promise.allSettled([
      this.storage.remove(row.filePath),
      this.uploads.deleteProcessing(row.id),
    ]);
    if (object.status === "rejected") {
      this.logger.error({ err: object.reason, key: row.filePath }, "Could not remove the object of a failed upload");
    }
    if (record.status === "rejected") {
      this.logger.error({ err: record.reason, materialId: row.id }, "Could not remove the row of a failed upload");
    }
  }
}

/**
 * A resumable upload in progress reports the share of its bytes received (never 100 before it is active);
 * while converting or transcoding (issue 15), the worker's own progress replaces the generic 50.
 */
function progressOf(state: UploadState): { progress: number; message: string } {
  const { resumable } = state;
  if (state.status === "processing") {
    if (state.stage === "converting") return { progress: state.progress, message: "Converting the document to PDF" };
    if (state.stage === "transcoding") return { progress: state.progress, message: "Making the video playable" };
    if (state.stage === "failed") return { progress: state.progress, message: "Conversion failed" };
  }
  if (state.status !== "processing" || resumable === null) return STATUS_PROGRESS[state.status];
  return {
    progress: Math.min(99, Math.floor((resumable.offset / resumable.size) * 100)),
    message: `Upload in progress: ${resumable.offset} of ${resumable.size} bytes received`,
  };
}

/** A generated thumbnail exists; a failed one shows the type's placeholder, which is not the material's own. */
const hasThumbnail = (state: UploadState): boolean =>
  state.thumbnailStatus === "completed" && state.thumbnailPath !== null;

/** Errors of the form's iterator are errors of the request body. */
async function* sourceErrorsMarked<T>(parts: AsyncIterable<T>): AsyncGenerator<T> {
  try {
    yield* parts;
  } catch (error) {
    throw error instanceof SourceStreamError ? error : new SourceStreamError(error);
  }
}

export function createUploadService(deps: ServiceDependencies, tuning: UploadTuning = DEFAULT_UPLOAD_TUNING) {
  return new UploadService(
    new UploadsRepository(deps.database.db),
    new MaterialsRepository(deps.database.db),
    deps.storage,
    deps.queues,
    deps.logger,
    {
      captions: new CaptionsRepository(deps.database.db),
      text: new TextIndexRepository(deps.database.db),
    },
    tuning,
  );
}
