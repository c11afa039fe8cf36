import type { ResumableUploadRow } from "@learning-hub/db";
import type { ResumableUploadsRepository } from "@learning-hub/db/repositories/resumable-uploads";
import { type ObjectStorage, resumableTailKey } from "@learning-hub/storage";
import type { Upload } from "@tus/utils";
import type { FastifyBaseLogger } from "fastify";
import {
  type FieldProblem,
  fileTooLarge,
  resumableUploadNotFound,
  tooManyUnfinishedUploads,
  unsupportedFileType,
  validationError,
} from "../../errors/app-error";
import type { Material } from "../../schemas/material";
import { detectUploadFormat, extensionOf, SNIFF_BYTES, UPLOAD_FORMATS, type UploadFormat } from "../file-type";
import { TITLE_MAX_CHARACTERS } from "../upload-form";
import type { UploadService } from "../upload-service";

export interface ResumableUploadRules {
  maxUnfinishedPerUser: number;
  expirationMs: number;
}

/** Longest `description` accepted in Upload-Metadata, like the multipart form's text fields. */
const MAX_DESCRIPTION_BYTES = 64 * 1024;
const FILENAME_MAX_CHARACTERS = 255;

const characters = (text: string): number => [...text].length;

/**
 * The rules of `POST /upload` for tus uploads, and their material rows: a
 * creation validates the metadata and declared length, makes the material row
 * `processing` and starts the multipart upload; the last byte makes it
 * `active` through the same path as a form upload; termination and expiry
 * remove parts, tail, rows.
 */
export class ResumableUploadService {
  constructor(
    private readonly uploads: ResumableUploadsRepository,
    private readonly uploadService: Pick<UploadService, "createProcessingRow" | "activateStored">,
    private readonly deleteProcessingMaterial: (materialId: number) => Promise<void>,
    private readonly storage: ObjectStorage,
    private readonly rules: ResumableUploadRules,
    private readonly logger: FastifyBaseLogger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Validates a creation request (400, 413, 415, 429) and creates its material row, multipart upload and state. */
  async create(userId: number, upload: Upload): Promise<void> {
    const { filename, title, description, format } = this.#validateCreation(upload);
    const max = this.rules.maxUnfinishedPerUser;
    // Refuses early without touching storage; the insert below is what holds under concurrent creations.
    if ((await this.uploads.countByUser(userId)) >= max) throw tooManyUnfinishedUploads(max);
    const row = await this.uploadService.createProcessingRow(userId, filename, format, { title, description });
    let multipartUploadId: string | undefined;
    try {
      multipartUploadId = await this.storage.startMultipart(row.filePath, format.contentType);
      const createdAt = this.now();
      const inserted = await this.uploads.insertWithinCap(
        {
          id: upload.id,
          userId,
          materialId: row.id,
          multipartUploadId,
          contentType: format.contentType,
          size: upload.size ?? 0,
          metadata: upload.metadata ?? {},
          createdAt,
          expiresAt: new Date(createdAt.getTime() + this.rules.expirationMs),
        },
        max,
      );
      if (!inserted) throw tooManyUnfinishedUploads(max);
    } catch (error) {
      if (multipartUploadId !== undefined) {
        await this.storage.discardMultipart(row.filePath, multipartUploadId, []).catch((discardError: unknown) => {
          this.logger.error({ err: discardError, key: row.filePath }, "Could not discard a failed resumable upload");
        });
      }
      await this.deleteProcessingMaterial(row.id);
      throw error;
    }
  }

  /** 404 unless `id` is an unfinished upload of `userId`: others' uploads are not even said to exist. */
  async assertOwner(id: string, userId: number): Promise<void> {
    const row = await this.uploads.find(id);
    if (!row || row.userId !== userId) throw resumableUploadNotFound();
  }

  /** The store's check of the leading bytes: they must be of the type the file name declared. */
  async checkHead(upload: ResumableUploadRow, head: Buffer): Promise<void> {
    const filename = upload.metadata.filename ?? "";
    const format = await detectUploadFormat(filename, head);
    if (!format || format.contentType !== upload.contentType) throw unsupportedFileType(filename);
  }

  /** The object is complete: the material becomes `active` and its thumbnail is enqueued; the state goes. */
  async finish(id: string): Promise<Material> {
    const row = await this.uploads.find(id);
    if (!row) throw resumableUploadNotFound();
    const conversion = formatOfName(row.metadata.filename ?? "")?.conversion ?? null;
    const material = await this.uploadService.activateStored(row.materialId, conversion, {
      title: (row.metadata.title ?? "").trim(),
      description: row.metadata.description || null,
      fileSize: row.size,
    });
    await this.uploads.delete(id);
    await this.storage.remove(resumableTailKey(id)).catch((error: unknown) => {
      this.logger.warn({ err: error, uploadId: id }, "Could not remove the tail object of a finished upload");
    });
    return material;
  }

  /** Removes the parts, the tail, the object if it was completed, and the rows (the state goes with the material). */
  async terminate(id: string): Promise<void> {
    const row = await this.uploads.find(id);
    if (!row) throw resumableUploadNotFound();
    const etags = row.partEtags.map((etag, index) => ({ part: index + 1, etag }));
    await this.storage.discardMultipart(row.filePath, row.multipartUploadId, etags);
    await this.storage.removeMany([resumableTailKey(id), row.filePath]);
    await this.deleteProcessingMaterial(row.materialId);
    await this.uploads.delete(id);
  }

  #validateCreation(upload: Upload) {
    const metadata = upload.metadata ?? {};
    const problems: FieldProblem[] = [];
    const filename = metadata.filename?.trim() ?? "";
    const title = metadata.title?.trim() ?? "";
    const description = metadata.description ?? null;
    if (filename === "") problems.push({ field: "filename", reason: "is required" });
    else if (characters(filename) > FILENAME_MAX_CHARACTERS) {
      problems.push({ field: "filename", reason: `must be at most ${FILENAME_MAX_CHARACTERS} characters` });
    }
    if (title === "")
      problems.push({ field: "title", reason: metadata.title == null ? "is required" : "must not be empty" });
    else if (characters(title) > TITLE_MAX_CHARACTERS) {
      problems.push({ field: "title", reason: `must be at most ${TITLE_MAX_CHARACTERS} characters` });
    }
    if (description !== null && Buffer.byteLength(description) > MAX_DESCRIPTION_BYTES) {
      problems.push({ field: "description", reason: `must be at most ${MAX_DESCRIPTION_BYTES} bytes` });
    }
    if (upload.size === undefined || upload.size <= 0) {
      problems.push({ field: "Upload-Length", reason: "must be a positive number of bytes" });
    }
    if (problems.length > 0) throw validationError(problems);
    const format = formatOfName(filename);
    if (!format) throw unsupportedFileType(filename);
    if ((upload.size ?? 0) > format.maxBytes) throw fileTooLarge(format);
    return { filename, title, description, format };
  }
}

/** The format a file name's extension declares; its leading bytes must agree once they arrive. */
function formatOfName(filename: string): UploadFormat | undefined {
  const extension = extensionOf(filename);
  return Object.hasOwn(UPLOAD_FORMATS, extension)
    ? UPLOAD_FORMATS[extension as keyof typeof UPLOAD_FORMATS]
    : undefined;
}

export const RESUMABLE_HEAD_BYTES = SNIFF_BYTES;
