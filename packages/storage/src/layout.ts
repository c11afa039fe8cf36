/**
 * Where things live in the bucket (contract: `materials/{user_id}/…`,
 * `thumbnails/{user_id}/{material_id}.jpg`), shared by the API, the worker and cleanup.
 */
export const MATERIALS_PREFIX = "materials/";
export const THUMBNAILS_PREFIX = "thumbnails/";
/** One placeholder image per material type; never deleted by a material's delete or by cleanup. */
export const PLACEHOLDERS_PREFIX = "placeholders/";

/**
 * Resumable uploads keep here the bytes of a PATCH that did not fill an S3 part (parts but the last are at least
 * 5 MiB): the next PATCH reads them back in front of its own bytes. Removed when the upload ends either way.
 */
export const RESUMABLE_PREFIX = "resumable/";

export const resumableTailKey = (uploadId: string): string => `${RESUMABLE_PREFIX}${uploadId}.part`;

export type PlaceholderType = "video" | "pdf";

export const thumbnailKey = (userId: number, materialId: number): string =>
  `${THUMBNAILS_PREFIX}${userId}/${materialId}.jpg`;

export const placeholderKey = (type: PlaceholderType): string => `${PLACEHOLDERS_PREFIX}${type}.jpg`;

export const isPlaceholderKey = (key: string): boolean => key.startsWith(PLACEHOLDERS_PREFIX);

// --- issue 15: derived objects of converted materials ---
/** Page previews: `previews/{user_id}/{material_id}/page-{n}.jpg`. */
export const PREVIEWS_PREFIX = "previews/";
/** Storyboards: `storyboards/{user_id}/{material_id}/storyboard.vtt` and `sprite-{n}.jpg` beside it. */
export const STORYBOARDS_PREFIX = "storyboards/";

export const pagePreviewKey = (userId: number, materialId: number, page: number): string =>
  `${PREVIEWS_PREFIX}${userId}/${materialId}/page-${page}.jpg`;

export const storyboardFolder = (userId: number, materialId: number): string =>
  `${STORYBOARDS_PREFIX}${userId}/${materialId}/`;

/** The converted file beside its original (whose key is unique): `materials/1/…_deck.pptx` → `….pptx.pdf`. */
export const convertedKey = (sourceKey: string, extension: "pdf" | "mp4"): string => `${sourceKey}.${extension}`;

/** The material a derived object (preview, storyboard) belongs to, from its key; null for other keys. */
export function derivedObjectMaterialId(key: string): number | null {
  const match = /^(?:previews|storyboards)\/\d+\/(\d+)\//.exec(key);
  return match ? Number(match[1]) : null;
}
// --- end issue 15 ---
/** Caption tracks (WebVTT) of videos; removed with their track or their material, not by the orphan sweep. */
export const CAPTIONS_PREFIX = "captions/";

export const captionKey = (userId: number, materialId: number, lang: string): string =>
  `${CAPTIONS_PREFIX}${userId}/${materialId}/${lang}.vtt`;
