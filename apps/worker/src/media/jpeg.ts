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
