import type { CleanupRepository, ExpiredResumableUpload, StaleUpload } from "@learning-hub/db/repositories/cleanup";
import type { CleanupOutcome, CleanupParams } from "@learning-hub/queue";
import {
  derivedObjectMaterialId,
  MATERIALS_PREFIX,
  type ObjectStorage,
  PREVIEWS_PREFIX,
  resumableTailKey,
  STORYBOARDS_PREFIX,
  StorageError,
  THUMBNAILS_PREFIX,
} from "@learning-hub/storage";

/**
 * Where uploads, thumbnails and (issue 15) page previews and storyboards live; the only prefixes cleanup
 * ever deletes from (never `placeholders/`).
 */
export const CLEANABLE_PREFIXES = [MATERIALS_PREFIX, THUMBNAILS_PREFIX, PREVIEWS_PREFIX, STORYBOARDS_PREFIX] as const;

/** Keys per database look-up and per delete request. */
const BATCH_SIZE = 500;

/** Record ids and file keys a dry run lists at most; its counts are always complete. */
export const DRY_RUN_LIST_LIMIT = 1_000;

/** What a cleanup would remove: the first `DRY_RUN_LIST_LIMIT` of each, and how many in all. */
export interface CleanupPreview {
  records: { ids: number[]; total: number };
  files: { keys: string[]; total: number };
  /** Objects whose existence could not be checked, listings that broke off. */
  errors: string[];
  durationSeconds: number;
}

export const isCleanableKey = (key: string): boolean => CLEANABLE_PREFIXES.some((prefix) => key.startsWith(prefix));

export interface CleanupServiceOptions {
  repository: CleanupRepository;
  storage: ObjectStorage;
  /** Objects younger than this are never orphans: an upload or thumbnail may be about to reference them. */
  orphanGraceMinutes: number;
  /** The clock; tests move it instead of backdating objects. */
  now?: () => Date;
}

interface Tally {
  cleanedRecords: number;
  cleanedFiles: number;
  errors: string[];
}

/** A list that keeps its first `DRY_RUN_LIST_LIMIT` entries and counts them all. */
class CappedList<T> {
  readonly items: T[] = [];
  total = 0;

  add(item: T): void {
    this.total += 1;
    if (this.items.length < DRY_RUN_LIST_LIMIT) this.items.push(item);
  }
}

const cleanableKeysOf = (upload: StaleUpload): string[] =>
  [upload.filePath, upload.thumbnailPath].filter((key): key is string => key !== null && isCleanableKey(key));

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Removes uploads that never finished (rows still `processing` past their
 * maximum age, with their objects) and orphaned objects (no row references
 * them and they are past the grace period). A failure on one object is
 * recorded in `errors` and the run goes on; a database failure fails the run.
 */
export class CleanupService {
  private readonly now: () => Date;

  constructor(private readonly options: CleanupServiceOptions) {
    this.now = options.now ?? (() => new Date());
  }

  async run(params: CleanupParams, signal?: AbortSignal): Promise<CleanupOutcome> {
    const started = performance.now();
    const tally: Tally = { cleanedRecords: 0, cleanedFiles: 0, errors: [] };
    if (params.cleanupProcessing) {
      await this.removeStaleUploads(params.maxAgeMinutes, tally, signal);
      await this.removeExpiredResumableUploads(tally, signal);
    }
    if (params.cleanupOrphans) await this.removeOrphans(tally, signal);
    const durationSeconds = Math.round(performance.now() - started) / 1000;
    return { ...tally, durationSeconds };
  }

  /**
   * A dry run: what `run` with the same parameters would remove now, removing
   * nothing. Stale uploads and their existing objects (unless another row
   * references them), then orphans as the first look of a real run finds them.
   */
  async preview(params: CleanupParams, signal?: AbortSignal): Promise<CleanupPreview> {
    const started = performance.now();
    const records = new CappedList<number>();
    const files = new CappedList<string>();
    const tally: Tally = { cleanedRecords: 0, cleanedFiles: 0, errors: [] };
    if (params.cleanupProcessing) await this.previewStaleUploads(params.maxAgeMinutes, records, files, tally, signal);
    if (params.cleanupOrphans) {
      const cutoff = this.now().getTime() - this.options.orphanGraceMinutes * 60_000;
      const candidates: string[] = [];
      for (const prefix of CLEANABLE_PREFIXES) {
        await this.collectUnreferenced(prefix, cutoff, candidates, tally, signal);
      }
      for (const key of candidates) files.add(key);
    }
    return {
      records: { ids: records.items, total: records.total },
      files: { keys: files.items, total: files.total },
      errors: tally.errors,
      durationSeconds: Math.round(performance.now() - started) / 1000,
    };
  }

  private async previewStaleUploads(
    maxAgeMinutes: number,
    records: CappedList<number>,
    files: CappedList<string>,
    tally: Tally,
    signal?: AbortSignal,
  ): Promise<void> {
    const { repository, storage } = this.options;
    const cutoff = new Date(this.now().getTime() - maxAgeMinutes * 60_000);
    let afterId = 0;
    for (;;) {
      const stale = await repository.findStaleUploads(cutoff, BATCH_SIZE, afterId);
      if (stale.length === 0) return;
      afterId = stale.at(-1)?.id ?? afterId;
      const keys = stale.flatMap(cleanableKeysOf);
      const shared = await repository.referencedKeys(
        keys,
        stale.map((upload) => upload.id),
      );
      for (const upload of stale) {
        signal?.throwIfAborted();
        records.add(upload.id);
        for (const key of cleanableKeysOf(upload)) {
          if (shared.has(key)) continue;
          try {
            if ((await storage.stat(key)) !== null) files.add(key);
          } catch (error) {
            tally.errors.push(`${key}: ${messageOf(error)}`);
          }
        }
      }
    }
  }

  private async removeStaleUploads(maxAgeMinutes: number, tally: Tally, signal?: AbortSignal): Promise<void> {
    const { repository } = this.options;
    const cutoff = new Date(this.now().getTime() - maxAgeMinutes * 60_000);
    for (;;) {
      const stale = await repository.findStaleUploads(cutoff, BATCH_SIZE);
      if (stale.length === 0) return;
      for (const upload of stale) {
        signal?.throwIfAborted();
        // Row first: if the upload finished meanwhile, the row stays and so do its objects.
        const deleted = await repository.deleteStaleUpload(upload.id, cutoff);
        if (!deleted) continue;
        tally.cleanedRecords += 1;
        await this.removeObjectsOf(deleted, tally);
      }
    }
  }

  /**
   * Resumable uploads past their expiry: storage first (the multipart upload's parts, the tail object, an object
   * completed but never activated), then the rows; a storage failure keeps the rows for the next run.
   * Each counts as one record, and one file per thing it held in storage.
   */
  private async removeExpiredResumableUploads(tally: Tally, signal?: AbortSignal): Promise<void> {
    const { repository } = this.options;
    const failed = new Set<string>();
    for (;;) {
      const expired = (await repository.findExpiredResumableUploads(this.now(), BATCH_SIZE + failed.size)).filter(
        (upload) => !failed.has(upload.id),
      );
      if (expired.length === 0) return;
      for (const upload of expired) {
        signal?.throwIfAborted();
        try {
          tally.cleanedFiles += await this.removeResumableObjects(upload);
        } catch (error) {
          failed.add(upload.id);
          tally.errors.push(`resumable upload ${upload.id}: ${messageOf(error)}`);
          continue;
        }
        if (await repository.deleteExpiredResumableUpload(upload)) tally.cleanedRecords += 1;
      }
    }
  }

  private async removeResumableObjects(upload: ExpiredResumableUpload): Promise<number> {
    const { storage } = this.options;
    const parts = upload.partEtags.map((etag, index) => ({ part: index + 1, etag }));
    await storage.discardMultipart(upload.filePath, upload.multipartUploadId, parts);
    const completed = (await storage.stat(upload.filePath)) !== null;
    const removal = await storage.removeMany([resumableTailKey(upload.id), upload.filePath]);
    if (removal.errors.length > 0) throw new Error(removal.errors.map((e) => `${e.key}: ${e.message}`).join("; "));
    return (parts.length > 0 ? 1 : 0) + (upload.tailBytes > 0 ? 1 : 0) + (completed ? 1 : 0);
  }

  /** The objects of a deleted row, unless another row references them too. */
  private async removeObjectsOf(upload: StaleUpload, tally: Tally): Promise<void> {
    const keys = cleanableKeysOf(upload);
    const shared = await this.options.repository.referencedKeys(keys);
    for (const key of keys) {
      if (shared.has(key)) continue;
      try {
        // An upload cut off mid-stream has no object yet; only objects that existed are counted.
        if ((await this.options.storage.stat(key)) === null) continue;
        await this.options.storage.remove(key);
        tally.cleanedFiles += 1;
      } catch (error) {
        tally.errors.push(`${key}: ${messageOf(error)}`);
      }
    }
  }

  private async removeOrphans(tally: Tally, signal?: AbortSignal): Promise<void> {
    const cutoff = this.now().getTime() - this.options.orphanGraceMinutes * 60_000;
    const candidates: string[] = [];
    for (const prefix of CLEANABLE_PREFIXES) {
      await this.collectUnreferenced(prefix, cutoff, candidates, tally, signal);
    }
    for (let offset = 0; offset < candidates.length; offset += BATCH_SIZE) {
      signal?.throwIfAborted();
      await this.removeIfStillUnreferenced(candidates.slice(offset, offset + BATCH_SIZE), tally);
    }
  }

  /** Keys a row references, plus derived objects (previews, storyboards) of materials that are not deleted. */
  private async inUse(keys: string[]): Promise<Set<string>> {
    const { repository } = this.options;
    const referenced = await repository.referencedKeys(keys);
    const derived = keys.flatMap((key) => {
      const materialId = derivedObjectMaterialId(key);
      return materialId === null ? [] : [{ key, materialId }];
    });
    const live = await repository.liveMaterialIds([...new Set(derived.map((d) => d.materialId))]);
    for (const { key, materialId } of derived) if (live.has(materialId)) referenced.add(key);
    return referenced;
  }

  /** First look: objects past the grace period that no row referenced while the listing went by. */
  private async collectUnreferenced(
    prefix: string,
    cutoffMs: number,
    into: string[],
    tally: Tally,
    signal?: AbortSignal,
  ): Promise<void> {
    const { storage } = this.options;
    let page: string[] = [];
    const flush = async () => {
      const referenced = await this.inUse(page);
      into.push(...page.filter((key) => !referenced.has(key)));
      page = [];
    };
    try {
      for await (const object of storage.list(prefix)) {
        signal?.throwIfAborted();
        if (object.lastModified.getTime() > cutoffMs || !isCleanableKey(object.key)) continue;
        page.push(object.key);
        if (page.length >= BATCH_SIZE) await flush();
      }
    } catch (error) {
      // A listing that breaks off loses only the rest of this prefix; the database failing fails the run.
      if (!(error instanceof StorageError)) throw error;
      tally.errors.push(`listing ${prefix}: ${error.message}`);
    }
    await flush();
  }

  /**
   * Second look, right before deleting: a row created since the first look
   * (an upload registers its row before streaming) saves its object.
   */
  private async removeIfStillUnreferenced(keys: string[], tally: Tally): Promise<void> {
    const referenced = await this.inUse(keys);
    const orphans = keys.filter((key) => !referenced.has(key));
    if (orphans.length === 0) return;
    try {
      const result = await this.options.storage.removeMany(orphans);
      tally.cleanedFiles += result.removed;
      for (const failure of result.errors) tally.errors.push(`${failure.key}: ${failure.message}`);
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      tally.errors.push(`removing ${orphans.length} objects: ${error.message}`);
    }
  }
}
