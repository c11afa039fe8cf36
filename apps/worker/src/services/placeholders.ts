import { type ObjectStorage, placeholderKey } from "@learning-hub/storage";
import { renderPlaceholder } from "../media";
import { JPEG_CONTENT_TYPE, PLACEHOLDER_TYPES } from "./thumbnail-keys";

/** Puts each missing placeholder image (one per material type); returns the keys it created. */
export async function ensurePlaceholders(storage: ObjectStorage): Promise<string[]> {
  const created: string[] = [];
  for (const type of PLACEHOLDER_TYPES) {
    const key = placeholderKey(type);
    if (await storage.exists(key)) continue;
    await storage.putBuffer(key, await renderPlaceholder(type), JPEG_CONTENT_TYPE);
    created.push(key);
  }
  return created;
}
