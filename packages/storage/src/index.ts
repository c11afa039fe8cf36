export { ByteCounter, type ByteCounterOptions } from "./byte-counter";
export { DEFAULT_STORAGE_TIMEOUT_MS, type StorageOptions } from "./client";
export { STORAGE_NOT_FOUND, STORAGE_SERVER_ERROR, StorageError } from "./errors";
export {
  CAPTIONS_PREFIX,
  captionKey,
  convertedKey,
  derivedObjectMaterialId,
  isPlaceholderKey,
  MATERIALS_PREFIX,
  PLACEHOLDERS_PREFIX,
  type PlaceholderType,
  PREVIEWS_PREFIX,
  pagePreviewKey,
  placeholderKey,
  RESUMABLE_PREFIX,
  resumableTailKey,
  STORYBOARDS_PREFIX,
  storyboardFolder,
  THUMBNAILS_PREFIX,
  thumbnailKey,
} from "./layout";
export type { StorageLogger } from "./logger";
export {
  DEFAULT_MAX_PARTS_IN_FLIGHT,
  DEFAULT_PART_SIZE_BYTES,
  MIN_PART_SIZE_BYTES,
  type PutStreamOptions,
  type PutStreamResult,
} from "./multipart-upload";
export {
  createStorage,
  type ListedObject,
  MinioObjectStorage,
  type ObjectStat,
  type ObjectStorage,
  type RemoveManyResult,
} from "./object-storage";
export { PartBuffer } from "./part-buffer";
export type { UploadedPart } from "./resumable-multipart";
export { STORAGE_TIMEOUT_CODE } from "./timed-transport";
