import { createCanvas } from "@napi-rs/canvas";

/**
 * What pdfjs asks the canvas for when a font is not embedded: the PDF's font name, then a generic family
 * (observed for lecture-cjk.pdf: `44px "STSongStd", serif`). Neither family has ideographs here.
 */
const NON_EMBEDDED_FONT_STACK = '"STSongStd", serif';

function renderGlyph(text: string): Uint8ClampedArray {
  const canvas = createCanvas(48, 48);
  const context = canvas.getContext("2d");
  context.fillStyle = "#fff";
  context.fillRect(0, 0, 48, 48);
  context.fillStyle = "#000";
  context.font = `40px ${NON_EMBEDDED_FONT_STACK}`;
  context.fillText(text, 4, 40);
  return context.getImageData(0, 0, 48, 48).data;
}

/**
 * Whether the canvas can draw Chinese text for a PDF whose CJK font is not embedded (e.g. STSong-Light).
 * @napi-rs/canvas loads the system fonts and Skia falls back per glyph to one that covers it; without a CJK
 * font every ideograph becomes the same .notdef box, so two different ideographs rendering identically
 * means the fallback is missing. The worker should warn at start-up when this is false.
 */
export function hasCjkFontFallback(): boolean {
  const first = renderGlyph("机");
  const second = renderGlyph("器");
  return first.some((value, index) => value !== second[index]);
}
