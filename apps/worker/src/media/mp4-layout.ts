import { open } from "node:fs/promises";

/** Top-level boxes read before giving up (a real file has a handful: ftyp, free, moov, mdat, ...). */
const MAX_TOP_LEVEL_BOXES = 64;

/**
 * Whether an ISO-BMFF file's `moov` box (the index) comes before its `mdat` (the media data), which browsers
 * need to start playing before the whole file has arrived ("faststart"). Reads only the top-level box headers.
 * Returns `null` when the file has no `moov`/`mdat` at top level or its box headers are damaged.
 */
export async function isMoovBeforeMdat(filePath: string): Promise<boolean | null> {
  const file = await open(filePath, "r");
  try {
    const { size: fileSize } = await file.stat();
    const header = Buffer.alloc(16);
    let offset = 0;
    for (let boxes = 0; boxes < MAX_TOP_LEVEL_BOXES && offset + 8 <= fileSize; boxes++) {
      const { bytesRead } = await file.read(header, 0, 16, offset);
      if (bytesRead < 8) return null;
      const type = header.toString("latin1", 4, 8);
      if (type === "moov") return true;
      if (type === "mdat") return false;
      let size = header.readUInt32BE(0);
      if (size === 1) {
        if (bytesRead < 16) return null;
        size = Number(header.readBigUInt64BE(8));
      } else if (size === 0) {
        return null; // the box runs to the end of the file: no moov after it
      }
      if (size < 8) return null;
      offset += size;
    }
    return null;
  } finally {
    await file.close();
  }
}
