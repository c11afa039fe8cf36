import type { MaterialType } from "@learning-hub/db";
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
  /** Issue 15: formats the worker converts before the material is shown (its stage meanwhile); null: none. */
  conversion: "converting" | "transcoding" | null;
}

const document = (name: UploadFormatName, contentType: string): UploadFormat => ({
  name,
  type: "pdf",
  contentType,
  maxBytes: PDF_MAX_BYTES,
  conversion: "converting",
});
const convertedVideo = (name: UploadFormatName, contentType: string): UploadFormat => ({
  name,
  type: "video",
  contentType,
  maxBytes: VIDEO_MAX_BYTES,
  conversion: "transcoding",
});
const OOXML = "application/vnd.openxmlformats-officedocument";

export const UPLOAD_FORMATS: Record<UploadFormatName, UploadFormat> = {
  mp4: { name: "mp4", type: "video", contentType: "video/mp4", maxBytes: VIDEO_MAX_BYTES, conversion: null },
  webm: { name: "webm", type: "video", contentType: "video/webm", maxBytes: VIDEO_MAX_BYTES, conversion: null },
  pdf: { name: "pdf", type: "pdf", contentType: "application/pdf", maxBytes: PDF_MAX_BYTES, conversion: null },
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

/** Leading bytes read before deciding: a zip package's first entries, an OLE file's directory (issue 15). */
export const SNIFF_BYTES = EXTENDED_SNIFF_BYTES;

const EBML_MAGIC = Buffer.from([0x1a, 0x45, 0xdf, 0xa3]);
const EBML_DOCTYPE_ID = 0x4282;
const PDF_MAGIC = Buffer.from("%PDF-", "latin1");
/** ISO-BMFF brands of still images (HEIF, AVIF): an `ftyp` box, but not a video. */
const IMAGE_BRANDS = new Set(["heic", "heix", "heim", "heis", "mif1", "avif", "avis", "msf1", "hevc", "hevx"]);

/** The format the leading bytes declare, or `null` when they are none of ours. */
export function sniffFormat(head: Buffer): UploadFormatName | null {
  if (head.subarray(0, PDF_MAGIC.length).equals(PDF_MAGIC)) return "pdf";
  if (isIsoBmffVideo(head)) return "mp4";
  if (ebmlDocType(head) === "webm") return "webm";
  return null;
}

/** The extension of a file name, lower case, without the dot (`""` when it has none). */
export function extensionOf(filename: string): string {
  const dot = filename.lastIndexOf(".");
  return dot <= 0 ? "" : filename.slice(dot + 1).toLowerCase();
}

/** The format when the leading bytes and the name's extension agree on one we accept; otherwise `null`. */
export function detectUploadFormat(filename: string, head: Buffer): UploadFormat | null {
  const sniffed = sniffFormat(head);
  if (sniffed !== null && sniffed === extensionOf(filename)) return UPLOAD_FORMATS[sniffed];
  const extended = detectExtendedFormat(filename, head);
  return extended ? UPLOAD_FORMATS[extended] : null;
}

/** A `ftyp` box first: its 32-bit size (at least the 16 bytes of header, brand and version), then the type. */
function isIsoBmffVideo(head: Buffer): boolean {
  if (head.length < 12 || head.toString("latin1", 4, 8) !== "ftyp") return false;
  if (head.readUInt32BE(0) < 16) return false;
  return !IMAGE_BRANDS.has(head.toString("latin1", 8, 12));
}

/**
 * An EBML variable-length integer at `offset`: its byte length comes from the
 * leading zeros of the first byte. IDs keep the length marker bit, sizes drop it.
 */
function readVint(buffer: Buffer, offset: number, keepMarker: boolean): { value: number; length: number } | null {
  const first = buffer[offset];
  if (first === undefined || first === 0) return null;
  const length = Math.clz32(first) - 23; // clz32 counts 24 zeros above a byte's 8 bits
  if (length > 8 || offset + length > buffer.length) return null;
  let value = keepMarker ? first : first & (0xff >> length);
  for (let i = 1; i < length; i++) value = value * 256 + (buffer[offset + i] ?? 0);
  return { value, length };
}

/** The DocType of an EBML header at offset 0 (`webm`, `matroska`), or `null`. */
export function ebmlDocType(head: Buffer): string | null {
  if (!head.subarray(0, 4).equals(EBML_MAGIC)) return null;
  const headerSize = readVint(head, 4, false);
  if (!headerSize) return null;
  const start = 4 + headerSize.length;
  const end = Math.min(head.length, start + headerSize.value);
  let offset = start;
  while (offset < end) {
    const id = readVint(head, offset, true);
    if (!id) return null;
    const size = readVint(head, offset + id.length, false);
    if (!size) return null;
    const dataStart = offset + id.length + size.length;
    if (id.value === EBML_DOCTYPE_ID) {
      if (dataStart + size.value > head.length) return null;
      // Strings in EBML may be padded with NULs.
      return head.toString("latin1", dataStart, dataStart + size.value).replace(/\0+$/, "");
    }
    offset = dataStart + size.value;
  }
  return null;
}
