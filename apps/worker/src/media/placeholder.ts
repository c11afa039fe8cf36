import type { PlaceholderType } from "@learning-hub/storage";
import { createCanvas, type SKRSContext2D } from "@napi-rs/canvas";

const WIDTH = 480;
const HEIGHT = 270;
const QUALITY = 85;
const BACKGROUND = "#e5e7eb";
const GLYPH = "#6b7280";
const LABEL = "#374151";

function drawPlayGlyph(context: SKRSContext2D): void {
  context.beginPath();
  context.arc(WIDTH / 2, 115, 52, 0, Math.PI * 2);
  context.fillStyle = GLYPH;
  context.fill();
  context.beginPath();
  context.moveTo(WIDTH / 2 - 16, 115 - 26);
  context.lineTo(WIDTH / 2 + 28, 115);
  context.lineTo(WIDTH / 2 - 16, 115 + 26);
  context.closePath();
  context.fillStyle = BACKGROUND;
  context.fill();
}

function drawDocumentGlyph(context: SKRSContext2D): void {
  const left = WIDTH / 2 - 40;
  const top = 60;
  const fold = 22;
  context.beginPath();
  context.moveTo(left, top);
  context.lineTo(left + 80 - fold, top);
  context.lineTo(left + 80, top + fold);
  context.lineTo(left + 80, top + 110);
  context.lineTo(left, top + 110);
  context.closePath();
  context.fillStyle = GLYPH;
  context.fill();
  context.fillStyle = BACKGROUND;
  for (const [index, lineWidth] of [56, 56, 56, 36].entries()) {
    context.fillRect(left + 12, top + 38 + index * 16, lineWidth, 6);
  }
}

/** A neutral 480x270 JPEG for a material whose thumbnail is pending or failed. Same bytes on every call. */
export async function renderPlaceholder(type: PlaceholderType): Promise<Buffer> {
  const canvas = createCanvas(WIDTH, HEIGHT);
  const context = canvas.getContext("2d");
  context.fillStyle = BACKGROUND;
  context.fillRect(0, 0, WIDTH, HEIGHT);
  if (type === "video") drawPlayGlyph(context);
  else drawDocumentGlyph(context);
  context.fillStyle = LABEL;
  context.font = "bold 26px sans-serif";
  context.textAlign = "center";
  context.fillText(type === "video" ? "Video" : "PDF", WIDTH / 2, 225);
  return canvas.encode("jpeg", QUALITY);
}
