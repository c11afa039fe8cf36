import type { PlaceholderType } from "@learning-hub/storage";

export const PLACEHOLDER_TYPES: readonly PlaceholderType[] = ["video", "pdf"];

export const JPEG_CONTENT_TYPE = "image/jpeg";
