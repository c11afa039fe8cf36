import type { PlaceholderType } from "../media";

/** Object key of a material's thumbnail (contract: `thumbnails/{user_id}/{material_id}.jpg`). */
export const thumbnailKey = (userId: number, materialId: number): string => `thumbnails/${userId}/${materialId}.jpg`;

/** Shared by every failed material of a type; the worker puts them at start-up and cleanup never deletes them. */
export const PLACEHOLDER_PREFIX = "placeholders/";
export const placeholderKey = (type: PlaceholderType): string => `${PLACEHOLDER_PREFIX}${type}.jpg`;
export const PLACEHOLDER_TYPES: readonly PlaceholderType[] = ["video", "pdf"];

export const JPEG_CONTENT_TYPE = "image/jpeg";
