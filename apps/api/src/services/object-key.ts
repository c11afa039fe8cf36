import { randomBytes } from "node:crypto";
import { MATERIALS_PREFIX } from "@learning-hub/storage";

/** Longest stem kept from a client's file name, in characters. */
const MAX_STEM_CHARACTERS = 100;
const FALLBACK_STEM = "file";

/**
 * A file name safe to use in an object key and a URL path: the basename only,
 * letters (any script) and digits kept, every other run of characters turned
 * into one `_`, at most 100 characters, with the given extension. Dots inside
 * the stem go too, so `../x` or `a.pdf.mp4` cannot pass for anything else.
 */
export function safeFileName(filename: string, extension: string): string {
  const basename = filename.split(/[/\\]/).pop() ?? "";
  const dot = basename.lastIndexOf(".");
  const stem = (dot > 0 ? basename.slice(0, dot) : basename)
    .normalize("NFC")
    .replace(/[^\p{L}\p{N}-]+/gu, "_")
    .replace(/^[_-]+|[_-]+$/g, "");
  const kept = [...stem]
    .slice(0, MAX_STEM_CHARACTERS)
    .join("")
    .replace(/[_-]+$/, "");
  return `${kept || FALLBACK_STEM}.${extension}`;
}

/** `YYYYMMDD_HHMMSS` in UTC. */
export function keyTimestamp(date: Date): string {
  const iso = date.toISOString(); // 2024-01-15T08:30:00.000Z
  return `${iso.slice(0, 10).replaceAll("-", "")}_${iso.slice(11, 19).replaceAll(":", "")}`;
}

/**
 * `materials/{user_id}/{YYYYMMDD_HHMMSS}_{safe name}`. With `unique`, a short
 * random suffix goes before the extension: used when the plain key is taken
 * (same name, same second), so neither upload overwrites the other.
 */
export function materialObjectKey(userId: number, at: Date, safeName: string, unique = false): string {
  const dot = safeName.lastIndexOf(".");
  const name = unique ? `${safeName.slice(0, dot)}_${randomBytes(4).toString("hex")}${safeName.slice(dot)}` : safeName;
  return `${MATERIALS_PREFIX}${userId}/${keyTimestamp(at)}_${name}`;
}
