import { createCanvas, loadImage } from "@napi-rs/canvas";

export interface DecodedImage {
  width: number;
  height: number;
  /** RGBA, row-major, 4 bytes per pixel. */
  pixels: Uint8ClampedArray;
}

/** A complete JPEG stream: SOI marker at the start and EOI at the end (a killed encoder leaves no EOI). */
export function isCompleteJpeg(data: Uint8Array): boolean {
  const n = data.length;
  return (
    n > 4 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff && data[n - 2] === 0xff && data[n - 1] === 0xd9
  );
}

/** Start-of-frame markers (baseline, progressive, lossless, arithmetic); not DHT (C4), JPG (C8) or DAC (CC). */
const START_OF_FRAME = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/** A JPEG's size from its frame header, without decoding it; `undefined` when there is no frame header. */
export function jpegSize(data: Uint8Array): { width: number; height: number } | undefined {
  if (data[0] !== 0xff || data[1] !== 0xd8) return undefined;
  let offset = 2;
  while (offset + 9 <= data.length) {
    if (data[offset] !== 0xff) return undefined;
    const marker = data[offset + 1] ?? 0;
    // Fill bytes before a marker, and markers without a length (RSTn, TEM).
    if (marker === 0xff) {
      offset += 1;
      continue;
    }
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      offset += 2;
      continue;
    }
    const length = ((data[offset + 2] ?? 0) << 8) | (data[offset + 3] ?? 0);
    if (START_OF_FRAME.has(marker)) {
      const height = ((data[offset + 5] ?? 0) << 8) | (data[offset + 6] ?? 0);
      const width = ((data[offset + 7] ?? 0) << 8) | (data[offset + 8] ?? 0);
      return width > 0 && height > 0 ? { width, height } : undefined;
    }
    if (length < 2) return undefined;
    offset += 2 + length;
  }
  return undefined;
}

export async function readImageSize(data: Uint8Array): Promise<{ width: number; height: number }> {
  const image = await loadImage(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  return { width: image.width, height: image.height };
}

export async function decodeImage(data: Uint8Array): Promise<DecodedImage> {
  const image = await loadImage(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  const canvas = createCanvas(image.width, image.height);
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  return {
    width: image.width,
    height: image.height,
    pixels: context.getImageData(0, 0, image.width, image.height).data,
  };
}
