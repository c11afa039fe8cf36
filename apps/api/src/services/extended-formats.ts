import { inflateRawSync } from "node:zlib";
import { extensionOf } from "./file-type";

/**
 * Sniffing of the formats that are converted before anyone sees them (office documents → PDF, other video
 * containers → mp4): pure functions of the leading bytes and the file name. The worker checks zip packages
 * again in full (central directory, sizes, declared type) before converting.
 */
export type OfficeFormatName = "pptx" | "ppt" | "odp" | "docx" | "doc" | "odt";
export type ConvertedVideoFormatName = "mov" | "m4v" | "mkv" | "avi";
export type ExtendedFormatName = OfficeFormatName | ConvertedVideoFormatName;

/** Leading bytes read for these formats: a zip's first entries or an OLE file's first directory sector. */
export const EXTENDED_SNIFF_BYTES = 64 * 1024;

const ZIP_LOCAL_HEADER = 0x04034b50;
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const ODF_MIME_TYPES: Record<string, OfficeFormatName> = {
  "application/vnd.oasis.opendocument.text": "odt",
  "application/vnd.oasis.opendocument.presentation": "odp",
};
const OOXML_MAIN_TYPES: Record<string, OfficeFormatName> = {
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "pptx",
};
/** Top-level atoms a QuickTime file without an `ftyp` box starts with. */
const CLASSIC_QUICKTIME_ATOMS = new Set(["moov", "mdat", "wide", "free", "skip", "pnot"]);
const M4V_BRANDS = new Set(["M4V ", "M4VH", "M4VP"]);
const IMAGE_BRANDS = new Set(["heic", "heix", "heim", "heis", "mif1", "avif", "avis", "msf1", "hevc", "hevx"]);

interface ZipEntryHead {
  name: string;
  /** The entry's bytes as far as the head holds them (all of them when `complete`), still compressed. */
  data: Buffer;
  method: number;
  complete: boolean;
}

/**
 * Local file headers found in the head. Writers that stream (LibreOffice among them) put the sizes after the
 * data, so entries are found by their signature rather than by skipping sizes; a header must look sane
 * (printable name of sensible length) to count.
 */
function zipEntries(head: Buffer): ZipEntryHead[] {
  const entries: ZipEntryHead[] = [];
  for (let offset = head.indexOf("PK\x03\x04", 0, "latin1"); offset >= 0 && offset + 30 <= head.length; ) {
    if (head.readUInt32LE(offset) === ZIP_LOCAL_HEADER) {
      const flags = head.readUInt16LE(offset + 6);
      const method = head.readUInt16LE(offset + 8);
      const compressedSize = head.readUInt32LE(offset + 18);
      const nameLength = head.readUInt16LE(offset + 26);
      const extraLength = head.readUInt16LE(offset + 28);
      const nameEnd = offset + 30 + nameLength;
      const name = head.toString("latin1", offset + 30, Math.min(nameEnd, head.length));
      if (nameLength > 0 && nameLength <= 512 && nameEnd <= head.length && /^[\x20-\x7e]+$/.test(name)) {
        const dataStart = nameEnd + extraLength;
        const sizesKnown = (flags & 0x08) === 0;
        const dataEnd = sizesKnown ? dataStart + compressedSize : head.length;
        entries.push({
          name,
          method,
          data: head.subarray(Math.min(dataStart, head.length), Math.min(dataEnd, head.length)),
          complete: sizesKnown && dataEnd <= head.length,
        });
      }
    }
    offset = head.indexOf("PK\x03\x04", offset + 4, "latin1");
  }
  return entries;
}

/** The start of an entry's content: stored as is, or inflated as far as the head allows. */
function entryText(entry: ZipEntryHead): string {
  if (entry.method === 0) return entry.data.toString("utf8");
  if (entry.method !== 8) return "";
  try {
    // Z_SYNC_FLUSH as the finishing flush: a deflate stream cut by the end of the head yields what it has.
    return inflateRawSync(entry.data, { finishFlush: 2 }).toString("utf8");
  } catch {
    return "";
  }
}

function sniffZipPackage(head: Buffer): OfficeFormatName | null {
  if (head.length < 4 || head.readUInt32LE(0) !== ZIP_LOCAL_HEADER) return null;
  const entries = zipEntries(head);
  const first = entries[0];
  // ODF: an uncompressed `mimetype` entry first, holding the document's media type.
  if (first?.name === "mimetype") {
    return first.method === 0 && first.complete ? (ODF_MIME_TYPES[first.data.toString("latin1")] ?? null) : null;
  }
  // OOXML: the main part's content type, when `[Content_Types].xml` is among the first entries...
  const declaration = entries.find((entry) => entry.name === "[Content_Types].xml");
  if (declaration) {
    const xml = entryText(declaration);
    for (const match of xml.matchAll(/ContentType\s*=\s*"([^"]+)"/g)) {
      const format = OOXML_MAIN_TYPES[match[1] ?? ""];
      if (format) return format;
    }
    if (declaration.complete) return null; // a complete declaration naming none of ours (xlsx, docm, ...)
  }
  // ...else the folder of its parts (writers that put the declaration last).
  const word = entries.some((entry) => entry.name.startsWith("word/"));
  const slides = entries.some((entry) => entry.name.startsWith("ppt/"));
  if (word !== slides) return word ? "docx" : "pptx";
  return null;
}

/**
 * A legacy (OLE compound file) Word or PowerPoint document. Their streams are named in a directory that may
 * lie anywhere in the file; when the head holds it, its names decide, otherwise the compound
 * file is `ole` and the extension decides between doc and ppt (LibreOffice is then told which to read).
 */
function sniffOle(head: Buffer): "doc" | "ppt" | "ole" | null {
  if (!head.subarray(0, 8).equals(OLE_MAGIC) || head.length < 512) return null;
  const sectorShift = head.readUInt16LE(0x1e);
  if (sectorShift !== 9 && sectorShift !== 12) return null;
  const names = oleDirectoryNames(head, 1 << sectorShift);
  if (names.includes("WordDocument")) return "doc";
  if (names.includes("PowerPoint Document")) return "ppt";
  if (names.includes("Workbook") || names.includes("Book")) return null;
  return "ole";
}

const OLE_END_OF_CHAIN = 0xfffffffe;
/** Directory sectors followed at most (a chain that loops is cut here). */
const MAX_OLE_DIRECTORY_SECTORS = 64;

/** Stream names of the directory sectors the head holds, following the chain through the first FAT sector. */
function oleDirectoryNames(head: Buffer, sectorSize: number): string[] {
  const sectorOffset = (sector: number) => (sector + 1) * sectorSize;
  const firstFatSector = head.readUInt32LE(0x4c);
  const fatOffset = sectorOffset(firstFatSector);
  const fatInHead = fatOffset + sectorSize <= head.length;
  const names: string[] = [];
  let sector = head.readUInt32LE(0x30);
  for (let visited = 0; sector !== OLE_END_OF_CHAIN && visited < MAX_OLE_DIRECTORY_SECTORS; visited++) {
    const offset = sectorOffset(sector);
    if (offset + sectorSize > head.length) break;
    for (let entry = offset; entry < offset + sectorSize; entry += 128) {
      const nameBytes = head.readUInt16LE(entry + 0x40);
      if (nameBytes >= 2 && nameBytes <= 64) names.push(head.toString("utf16le", entry, entry + nameBytes - 2));
    }
    // The next directory sector, when the first FAT sector (which maps sectors 0..sectorSize/4-1) says it.
    if (!fatInHead || sector >= sectorSize / 4) break;
    sector = head.readUInt32LE(fatOffset + sector * 4);
  }
  return names;
}

function sniffVideoContainer(head: Buffer): "mov" | "m4v" | "iso-bmff" | "mkv" | "avi" | null {
  if (head.length >= 12 && head.toString("latin1", 0, 4) === "RIFF" && head.toString("latin1", 8, 12) === "AVI ") {
    return "avi";
  }
  if (ebmlDocType(head) === "matroska") return "mkv";
  if (head.length < 12) return null;
  const type = head.toString("latin1", 4, 8);
  const size = head.readUInt32BE(0);
  if (type === "ftyp" && size >= 16) {
    const brand = head.toString("latin1", 8, 12);
    if (IMAGE_BRANDS.has(brand)) return null;
    if (brand === "qt  ") return "mov";
    return M4V_BRANDS.has(brand) ? "m4v" : "iso-bmff";
  }
  return CLASSIC_QUICKTIME_ATOMS.has(type) && (size >= 8 || size === 0 || size === 1) ? "mov" : null;
}

/**
 * The extended format when the leading bytes and the name's extension agree on one; otherwise `null`.
 * QuickTime and MP4 are one container family: a `.mov` may carry an mp4 brand and a `.m4v` any video brand,
 * but a QuickTime-branded file is only accepted as `.mov`.
 */
export function detectExtendedFormat(filename: string, head: Buffer): ExtendedFormatName | null {
  const extension = extensionOf(filename);
  switch (extension) {
    case "docx":
    case "pptx":
    case "odt":
    case "odp":
      return sniffZipPackage(head) === extension ? extension : null;
    case "doc":
    case "ppt": {
      const ole = sniffOle(head);
      return ole === extension || ole === "ole" ? extension : null;
    }
    case "mov": {
      const container = sniffVideoContainer(head);
      return container === "mov" || container === "iso-bmff" ? "mov" : null;
    }
    case "m4v": {
      const container = sniffVideoContainer(head);
      return container === "m4v" || container === "iso-bmff" ? "m4v" : null;
    }
    case "mkv":
    case "avi":
      return sniffVideoContainer(head) === extension ? extension : null;
    default:
      return null;
  }
}

const EBML_MAGIC = Buffer.from([0x1a, 0x45, 0xdf, 0xa3]);
const EBML_DOCTYPE_ID = 0x4282;

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
function ebmlDocType(head: Buffer): string | null {
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
