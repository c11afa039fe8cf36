import { ResumableUploadsRepository } from "@learning-hub/db/repositories/resumable-uploads";
import { UploadsRepository } from "@learning-hub/db/repositories/uploads";
import type { ServiceDependencies } from "../../dependencies";
import type { UploadService } from "../upload-service";
import { ObjectStorageTusStore, type TusStoreTuning } from "./object-storage-tus-store";
import { RESUMABLE_HEAD_BYTES, ResumableUploadService } from "./resumable-upload-service";
import { DEFAULT_UPLOAD_LOCK_TIMING, PostgresUploadLocker, type UploadLockTiming } from "./upload-lock";

const MiB = 1024 * 1024;

/**
 * 8 MiB parts, 2 in flight: about 24 MiB per PATCH in memory, whatever the chunk size the client picks.
 * Figures in bench/RESULTS.md (bench/upload).
 */
export const DEFAULT_TUS_STORE_TUNING: TusStoreTuning = { partSizeBytes: 8 * MiB, maxPartsInFlight: 2 };

export interface ResumableUploadsOptions {
  tuning?: TusStoreTuning;
  lockTiming?: UploadLockTiming;
}

/** The service, store and locker behind `/api/v1/upload/resumable`. */
export function createResumableUploads(
  deps: ServiceDependencies,
  upload: UploadService,
  options: ResumableUploadsOptions = {},
) {
  const repository = new ResumableUploadsRepository(deps.database.db);
  const materials = new UploadsRepository(deps.database.db);
  const service = new ResumableUploadService(
    repository,
    upload,
    (materialId) => materials.deleteProcessing(materialId),
    deps.storage,
    deps.config.resumableUploads,
    deps.logger,
  );
  const store = new ObjectStorageTusStore(
    deps.storage,
    repository,
    {
      checkHead: (row, head) => service.checkHead(row, head),
      headBytes: RESUMABLE_HEAD_BYTES,
      terminate: (id) => service.terminate(id),
    },
    options.tuning ?? DEFAULT_TUS_STORE_TUNING,
    deps.config.resumableUploads.expirationMs,
  );
  const locker = new PostgresUploadLocker(repository, options.lockTiming ?? DEFAULT_UPLOAD_LOCK_TIMING);
  return { service, store, locker };
}

export type ResumableUploads = ReturnType<typeof createResumableUploads>;
