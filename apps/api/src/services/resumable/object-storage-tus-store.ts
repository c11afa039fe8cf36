import { AsyncLocalStorage } from "node:async_hooks";
import type { Readable } from "node:stream";
import type { ResumableUploadRow } from "@learning-hub/db";
import type { ResumableUploadsRepository } from "@learning-hub/db/repositories/resumable-uploads";
import { type ObjectStorage, resumableTailKey, type UploadedPart } from "@learning-hub/storage";
import { DataStore, ERRORS, Upload } from "@tus/utils";
import { PartBufferPool, PartQueue } from "./part-queue";

export interface TusStoreTuning {
  /** Size of the S3 parts; at least 5 MiB. Memory per PATCH is about `partSizeBytes * (maxPartsInFlight + 1)`. */
  partSizeBytes: number;
  maxPartsInFlight: number;
}

/** What the store needs from the upload rules, so it stays about bytes. */
export interface TusStoreHooks {
  /** Throws (an AppError) when the file's leading bytes are not what the upload declared. */
  checkHead(upload: ResumableUploadRow, head: Buffer): Promise<void>;
  /** How many leading bytes `checkHead` wants. */
  headBytes: number;
  /** Removes everything of an upload: its parts, its tail, its rows. */
  terminate(id: string): Promise<void>;
}

type StoredUpload = ResumableUploadRow & { filePath: string };

/**
 * A tus DataStore writing straight into the bucket through S3 multipart
 * uploads, with the upload's state in PostgreSQL so that any API process can
 * go on with any upload. Creation and termination belong to
 * `ResumableUploadService` (they touch the material row too); this store
 * moves bytes.
 *
 * S3 parts but the last must be at least 5 MiB while a PATCH may carry any
 * number of bytes: whatever does not fill a part at the end of a PATCH goes
 * to a tail object (`resumable/{id}.part`, smaller than a part) that the next
 * PATCH reads back in front of its own bytes. Progress is recorded after each
 * part, so a process that dies mid-PATCH loses at most the bytes of the parts
 * in flight, which the client sends again from the offset HEAD reports.
 */
export class ObjectStorageTusStore extends DataStore {
  /**
   * Why the current request's bytes were refused: the tus server reports any error that ends the body's
   * pipeline as "aborted", so the route asks here for the real reason (see `handle`).
   */
  readonly #requests = new AsyncLocalStorage<{ refusal?: unknown }>();
  readonly #buffers: PartBufferPool;

  constructor(
    private readonly storage: ObjectStorage,
    private readonly uploads: ResumableUploadsRepository,
    private readonly hooks: TusStoreHooks,
    private readonly tuning: TusStoreTuning,
    private readonly expirationMs: number,
  ) {
    super();
    this.extensions = ["creation", "creation-with-upload", "termination", "expiration"];
    // Enough for one PATCH's window and the part being filled; more PATCHes at once allocate (and drop) their own.
    this.#buffers = new PartBufferPool(tuning.partSizeBytes, tuning.maxPartsInFlight + 1);
  }

  /** The service has created the state row in the creation hook; this only confirms it. */
  override async create(upload: Upload): Promise<Upload> {
    const row = await this.uploads.find(upload.id);
    if (!row) throw ERRORS.FILE_NOT_FOUND;
    return toUpload(row);
  }

  override async getUpload(id: string): Promise<Upload> {
    const row = await this.uploads.find(id);
    if (!row) throw ERRORS.FILE_NOT_FOUND;
    return toUpload(row);
  }

  override async remove(id: string): Promise<void> {
    await this.hooks.terminate(id);
  }

  /** Runs one request of the tus server so that `refusal()` can tell, within it, why its bytes were refused. */
  handle<T>(run: () => Promise<T>): Promise<T> {
    return this.#requests.run({}, run);
  }

  /** Within `handle`: the error a write of this request was refused with, if any. */
  refusal(): unknown {
    return this.#requests.getStore()?.refusal;
  }

  override getExpiration(): number {
    return this.expirationMs;
  }

  /** Expired uploads are removed by the cleanup job, which also owns their material rows. */
  override async deleteExpired(): Promise<number> {
    return 0;
  }

  override async write(source: Readable, id: string, offset: number): Promise<number> {
    const row = await this.uploads.find(id);
    if (!row) throw ERRORS.FILE_NOT_FOUND;
    if (row.offset !== offset) throw ERRORS.INVALID_OFFSET;
    if (row.offset === row.size) return row.size; // a finished upload whose finishing hook is being retried
    try {
      return await this.#write(source, row);
    } catch (error) {
      if (!(error instanceof RefusedContent)) throw error;
      const request = this.#requests.getStore();
      if (request) request.refusal = error.reason;
      await this.hooks.terminate(id);
      throw error.reason;
    }
  }

  /**
   * The bytes waiting in the tail object. It may be longer than the state says: a process that died between
   * writing a new tail and saving its length leaves a longer one, whose first `tailBytes` are still the same
   * bytes of the file (a tail only ever grows from the same offset), so the prefix is taken.
   */
  async #readTail(row: StoredUpload): Promise<Buffer> {
    if (row.tailBytes === 0) return Buffer.alloc(0);
    const tail = await this.storage.getBuffer(resumableTailKey(row.id));
    if (tail.length < row.tailBytes) {
      throw new Error(`Tail of upload ${row.id} holds ${tail.length} bytes, its state says ${row.tailBytes}`);
    }
    return tail.subarray(0, row.tailBytes);
  }

  async #write(source: Readable, row: StoredUpload): Promise<number> {
    const tail = await this.#readTail(row);
    const parts = new PartQueue(
      (partNumber, body) => this.storage.putPart(row.filePath, row.multipartUploadId, partNumber, body),
      this.tuning.maxPartsInFlight,
      this.#buffers,
    );
    const state = new WriteState(row, this.uploads);
    const head = new HeadCollector(row.typeChecked ? 0 : Math.min(this.hooks.headBytes, row.size));
    parts.pending.push(tail);
    head.add(tail);

    const checkHead = async () => {
      if (state.typeChecked || !head.complete) return;
      try {
        await this.hooks.checkHead(row, head.bytes);
      } catch (reason) {
        throw new RefusedContent(reason);
      }
      state.typeChecked = true;
    };
    const sendFullParts = async () => {
      while (state.typeChecked && parts.pending.bytes >= this.tuning.partSizeBytes) {
        await parts.send(state.nextPartNumber(), parts.takePart(), (uploaded) => state.recordPart(uploaded));
      }
    };

    let received = row.offset;
    try {
      // Not destroyed on an early exit: the tus server would answer before the refused upload is terminated.
      for await (const chunk of source.iterator({ destroyOnReturn: false })) {
        const buffer = chunk as Buffer;
        received += buffer.length;
        parts.pending.push(buffer);
        head.add(buffer);
        await checkHead();
        await sendFullParts();
      }
      await checkHead();
    } finally {
      // No part request outlives the PATCH, whatever happened to its body.
      await parts.drain();
    }
    parts.throwIfFailed();

    if (received === row.size) {
      if (!state.typeChecked) throw new Error(`Upload ${row.id} finished without its type checked`);
      if (parts.pending.bytes > 0 || state.partCount === 0) {
        const last = parts.pending.take(parts.pending.bytes);
        await parts.send(state.nextPartNumber(), last, (uploaded) => state.recordPart(uploaded));
        await parts.drain();
        parts.throwIfFailed();
      }
      await this.storage.completeMultipart(row.filePath, row.multipartUploadId, state.uploadedParts());
      await state.save(0);
    } else {
      const rest = parts.pending.take(parts.pending.bytes);
      if (rest.length > 0) await this.storage.putBuffer(resumableTailKey(row.id), rest, "application/octet-stream");
      await state.save(rest.length);
    }
    return received;
  }
}

/** The progress of one PATCH, saved after each part so that a crash loses at most the parts in flight. */
class WriteState {
  readonly #etags: string[];
  #savedOffset: number;
  #partBytes: number;
  typeChecked: boolean;
  #nextPart: number;

  constructor(
    private readonly row: StoredUpload,
    private readonly uploads: ResumableUploadsRepository,
  ) {
    this.#etags = [...row.partEtags];
    this.#savedOffset = row.offset;
    this.#partBytes = row.offset - row.tailBytes;
    this.typeChecked = row.typeChecked;
    this.#nextPart = row.partEtags.length + 1;
  }

  get partCount(): number {
    return this.#etags.length;
  }

  nextPartNumber(): number {
    return this.#nextPart++;
  }

  uploadedParts(): UploadedPart[] {
    return this.#etags.map((etag, index) => ({ part: index + 1, etag }));
  }

  /** Parts are recorded in order (the queue sees to it); the tail object is superseded by the first one. */
  async recordPart(uploaded: UploadedPart & { bytes: number }): Promise<void> {
    this.#etags[uploaded.part - 1] = uploaded.etag;
    this.#partBytes += uploaded.bytes;
    await this.save(0);
  }

  async save(tailBytes: number): Promise<void> {
    const offset = this.#partBytes + tailBytes;
    const saved = await this.uploads.recordProgress(this.row.id, this.#savedOffset, {
      partEtags: this.#etags,
      offset,
      tailBytes,
      typeChecked: this.typeChecked,
    });
    // Someone else wrote to the upload meanwhile (the lock's lease ran out): our bytes are not its bytes.
    if (!saved) throw ERRORS.INVALID_OFFSET;
    this.#savedOffset = offset;
  }
}

/** The first bytes of the file, kept until there are enough to check its type. */
class HeadCollector {
  #chunks: Buffer[] = [];
  #length = 0;

  constructor(private readonly wanted: number) {}

  add(chunk: Buffer): void {
    if (this.#length >= this.wanted) return;
    const used = chunk.subarray(0, this.wanted - this.#length);
    this.#chunks.push(used);
    this.#length += used.length;
  }

  get complete(): boolean {
    return this.#length >= this.wanted;
  }

  get bytes(): Buffer {
    return Buffer.concat(this.#chunks);
  }
}

/** The upload's content broke a rule: the upload is terminated and `reason` answered. */
class RefusedContent extends Error {
  constructor(readonly reason: unknown) {
    super("Refused content");
  }
}

function toUpload(row: ResumableUploadRow): Upload {
  return new Upload({
    id: row.id,
    size: row.size,
    offset: row.offset,
    metadata: row.metadata,
    creation_date: row.createdAt.toISOString(),
  });
}
