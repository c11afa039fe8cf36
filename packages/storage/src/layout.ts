/**
 * Where things live in the bucket (contract: `materials/{user_id}/…`,
 * `thumbnails/{user_id}/{material_id}.jpg`), shared by the API, the worker and cleanup.
 */
export const MATERIALS_PREFIX = "materials/";
export const THUMBNAILS_PREFIX = "thumbnails/";
/** One placeholder image per material type; never deleted by a material's delete or by cleanup. */
export const PLACEHOLDERS_PREFIX = "placeholders/";

export type PlaceholderType = "video" | "pdf";

export const thumbnailKey = (userId: number, materialId: number): string =>
  `${THUMBNAILS_PREFIX}${userId}/${materialId}.jpg`;

export const placeholderKey = (type: PlaceholderType): string => `${PLACEHOLDERS_PREFIX}${type}.jpg`;

export const isPlaceholderKey = (key: string): boolean => key.startsWith(PLACEHOLDERS_PREFIX);

/** Caption tracks (WebVTT) of videos; removed with their track or their material, not by the orphan sweep. */
export const CAPTIONS_PREFIX = "captions/";

export const captionKey = (userId: number, materialId: number, lang: string): string =>
  `${CAPTIONS_PREFIX}${userId}/${materialId}/${lang}.vtt`;
