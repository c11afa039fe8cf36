import type { MaterialType } from "@learning-hub/db";
import { fileTypeFromBuffer } from "file-type";
import { detectExtendedFormat, EXTENDED_SNIFF_BYTES, type ExtendedFormatName } from "./extended-formats";

const MiB = 1024 * 1024;
export const VIDEO_MAX_BYTES = 500 * MiB;
export const PDF_MAX_BYTES = 50 * MiB;

export type UploadFormatName = "mp4" | "webm" | "pdf" | ExtendedFormatName;

export interface UploadFormat {
  /** Also the file extension and the row's `file_format`. */
  name: UploadFormatName;
  type: MaterialType;
  contentType: string;
  maxBytes: number;
  /**
   * What the `file-type` package reports (its `ext`) for a file of this format, read from the leading bytes.
   * Empty for the converted formats (issue 15): `extended-formats.ts` sniffs those more strictly than
   * `file-type` does (an ODF's `mimetype` entry, an OOXML main part, an OLE directory, QuickTime brands).
   */
  detectedAs: readonly string[];
  /** Issue 15: formats the worker converts before the material is shown (its stage meanwhile); null: none. */
  conversion: "converting" | "transcoding" | null;
}

const document = (name: UploadFormatName, contentType: string): UploadFormat => ({
  name,
  type: "pdf",
  contentType,
  maxBytes: PDF_MAX_BYTES,
  detectedAs: [],
  conversion: "converting",
});
const convertedVideo = (name: UploadFormatName, contentType: string): UploadFormat => ({
  name,
  type: "video",
  contentType,
  maxBytes: VIDEO_MAX_BYTES,
  detectedAs: [],
  conversion: "transcoding",
});
const OOXML = "application/vnd.openxmlformats-officedocument";

/**
 * The formats an upload may have; a new one is a row here (and its name in
 * `UploadFormatName`). `file-type` tells ISO-BMFF files apart by their brand:
 * video brands (isom, mp41, mp42, avc1, M4V, ...) are `mp4`/`m4v`, while M4A
 * audio (`m4a`), QuickTime (`mov`), 3GPP (`3gp`) and HEIF/AVIF images have
 * their own `ext` and so are refused as mp4. An `isom` file holding only audio
 * carries a video brand and passes; its thumbnail fails and shows the placeholder.
 */
export const UPLOAD_FORMATS: Record<UploadFormatName, UploadFormat> = {
  mp4: {
    name: "mp4",
    type: "video",
    contentType: "video/mp4",
    maxBytes: VIDEO_MAX_BYTES,
    detectedAs: ["mp4", "m4v"],
    conversion: null,
  },
  webm: {
    name: "webm",
    type: "video",
    contentType: "video/webm",
    maxBytes: VIDEO_MAX_BYTES,
    detectedAs: ["webm"],
    conversion: null,
  },
  pdf: {
    name: "pdf",
    type: "pdf",
    contentType: "application/pdf",
    maxBytes: PDF_MAX_BYTES,
    detectedAs: ["pdf"],
    conversion: null,
  },
  // --- issue 15: converted to PDF / a browser-playable mp4 by the worker ---
  pptx: document("pptx", `${OOXML}.presentationml.presentation`),
  ppt: document("ppt", "application/vnd.ms-powerpoint"),
  odp: document("odp", "application/vnd.oasis.opendocument.presentation"),
  docx: document("docx", `${OOXML}.wordprocessingml.document`),
  doc: document("doc", "application/msword"),
  odt: document("odt", "application/vnd.oasis.opendocument.text"),
  mov: convertedVideo("mov", "video/quicktime"),
  m4v: convertedVideo("m4v", "video/x-m4v"),
  mkv: convertedVideo("mkv", "video/x-matroska"),
  avi: convertedVideo("avi", "video/x-msvideo"),
};

/** The largest limit of any format: the multipart parser's own cap sits just above it. */
export const LARGEST_UPLOAD_BYTES = Math.max(...Object.values(UPLOAD_FORMATS).map((format) => format.maxBytes));

/**
 * Leading bytes read before deciding: at least as many as `file-type` samples by default (its
 * `reasonableDetectionSizeInBytes`, 4100), and enough for a zip package's first entries or an OLE file's
 * directory (issue 15).
 */
export const SNIFF_BYTES = Math.max(4100, EXTENDED_SNIFF_BYTES);

/** The extension of a file name, lower case, without the dot (`""` when it has none). */
export function extensionOf(filename: string): string {
  const dot = filename.lastIndexOf(".");
  return dot <= 0 ? "" : filename.slice(dot + 1).toLowerCase();
}

/** What `file-type` makes of the leading bytes (its `ext`), or `null` when it knows none. */
export async function sniffFormat(head: Buffer): Promise<string | null> {
  return (await fileTypeFromBuffer(head))?.ext ?? null;
}

/** The format when the leading bytes and the name's extension agree on one we accept; otherwise `null`. */
export async function detectUploadFormat(filename: string, head: Buffer): Promise<UploadFormat | null> {
  const extension = extensionOf(filename);
  if (!Object.hasOwn(UPLOAD_FORMATS, extension)) return null;
  const format = UPLOAD_FORMATS[extension as UploadFormatName];
  if (format.detectedAs.length === 0) return detectExtendedFormat(filename, head) === format.name ? format : null;
  const detected = await sniffFormat(head);
  return detected !== null && format.detectedAs.includes(detected) ? format : null;
}
