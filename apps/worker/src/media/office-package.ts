import type { Readable } from "node:stream";
import yauzl, { type Entry, type ZipFile } from "yauzl";
import { MediaError } from "./media-error";
import type { OfficeFormat } from "./office-formats";

export interface ZipLimits {
  /** Most entries a package may have (the central directory's count is checked before anything is read). */
  maxEntries: number;
  /** Most bytes all entries may inflate to together, as declared and as actually inflated. */
  maxUncompressedBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxEntries: 10_000, maxUncompressedBytes: 512 * 1024 * 1024 };

export interface OfficePackage {
  /** The format the package's own type declaration names, or `null` when it names none of ours. */
  format: Extract<OfficeFormat, "docx" | "pptx" | "odt" | "odp"> | null;
  entryCount: number;
  uncompressedBytes: number;
}

/** The type declarations read in full; both are a few KiB in real files. */
const MAX_DECLARATION_BYTES = 1024 * 1024;

/** ODF's `mimetype` entry, and OOXML's main-part content type in `[Content_Types].xml`. */
const ODF_MIME_TYPES: Record<string, OfficePackage["format"]> = {
  "application/vnd.oasis.opendocument.text": "odt",
  "application/vnd.oasis.opendocument.presentation": "odp",
};
const OOXML_MAIN_TYPES: Record<string, OfficePackage["format"]> = {
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "pptx",
};

const refused = (reason: string, cause?: unknown) => new MediaError("REFUSED_INPUT", reason, { cause });

function openZip(filePath: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(filePath, { lazyEntries: true, autoClose: false, validateEntrySizes: true }, (error, zip) => {
      if (error) reject(refused(`not a readable zip package: ${error.message}`, error));
      else resolve(zip);
    });
  });
}

function openEntry(zip: ZipFile, entry: Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => (error ? reject(error) : resolve(stream)));
  });
}

/**
 * Inflates one entry to the end, so a lying size in the directory is caught (yauzl fails the stream when the
 * inflated size differs from the declared one); keeps at most `keepBytes` of it.
 */
async function inflateEntry(zip: ZipFile, entry: Entry, keepBytes: number): Promise<Buffer> {
  const kept: Buffer[] = [];
  let keptLength = 0;
  try {
    for await (const chunk of await openEntry(zip, entry)) {
      const buffer = chunk as Buffer;
      if (keptLength < keepBytes) {
        kept.push(buffer.subarray(0, keepBytes - keptLength));
        keptLength += Math.min(buffer.length, keepBytes - keptLength);
      }
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw refused(`entry ${JSON.stringify(entry.fileName)} cannot be inflated: ${message}`, error);
  }
  return Buffer.concat(kept, keptLength);
}

function formatFromContentTypes(xml: string): OfficePackage["format"] {
  for (const match of xml.matchAll(/ContentType\s*=\s*"([^"]+)"/g)) {
    const format = OOXML_MAIN_TYPES[match[1] ?? ""];
    if (format) return format;
  }
  return null;
}

/**
 * Checks a zip-based office file (OOXML or ODF) before anything else opens it: entry count from the central
 * directory first, then the declared uncompressed total, then every entry inflated once (the real total, a
 * bounded amount of work) while reading the type declaration. Throws MediaError `REFUSED_INPUT` for a zip
 * bomb or a file that is not a readable zip.
 */
export async function inspectOfficePackage(
  filePath: string,
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
): Promise<OfficePackage> {
  const zip = await openZip(filePath);
  try {
    if (zip.entryCount > limits.maxEntries) {
      throw refused(`the package has ${zip.entryCount} entries, more than the ${limits.maxEntries} allowed`);
    }
    const entries = await new Promise<Entry[]>((resolve, reject) => {
      const found: Entry[] = [];
      let declared = 0;
      zip.on("error", (error: Error) => reject(refused(`the zip directory is damaged: ${error.message}`, error)));
      zip.on("end", () => resolve(found));
      zip.on("entry", (entry: Entry) => {
        declared += entry.uncompressedSize;
        if (declared > limits.maxUncompressedBytes) {
          return reject(
            refused(`the package inflates to more than ${limits.maxUncompressedBytes} bytes (declared sizes)`),
          );
        }
        found.push(entry);
        zip.readEntry();
      });
      zip.readEntry();
    });

    let format: OfficePackage["format"] = null;
    let uncompressedBytes = 0;
    for (const entry of entries) {
      if (entry.fileName.endsWith("/")) continue;
      const isDeclaration = entry.fileName === "mimetype" || entry.fileName === "[Content_Types].xml";
      const content = await inflateEntry(zip, entry, isDeclaration ? MAX_DECLARATION_BYTES : 0);
      uncompressedBytes += entry.uncompressedSize;
      if (entry.fileName === "mimetype") format ??= ODF_MIME_TYPES[content.toString("latin1").trim()] ?? null;
      if (entry.fileName === "[Content_Types].xml") format ??= formatFromContentTypes(content.toString("utf8"));
    }
    return { format, entryCount: zip.entryCount, uncompressedBytes };
  } finally {
    zip.close();
  }
}
