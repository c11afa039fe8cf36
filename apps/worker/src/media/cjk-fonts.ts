import { existsSync } from "node:fs";
import { createCanvas, GlobalFonts } from "@napi-rs/canvas";

/** The family the CJK font is registered under with @napi-rs/canvas. */
export const CJK_FONT_FAMILY = "Learning Hub CJK";

/** Where Debian/Ubuntu, Fedora and Alpine packages put common CJK fonts, most preferred first. */
export const CJK_FONT_LOCATIONS = [
  "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
  "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
  "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
  "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
  "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
  "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
  "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
];

/**
 * What pdfjs asks the canvas for when a PDF names a CJK font without embedding it: the font's name up to
 * its first hyphen (STSong-Light's descriptor STSongStd-Light gives `"STSongStd", serif`). These are the
 * fonts PDF readers are expected to supply (Adobe's CJK standard fonts) and the common Windows/macOS ones
 * that PDF writers reference without embedding. The CJK font is registered under each of them: Skia's
 * per-glyph fallback fails as soon as a Latin font (e.g. Debian's fonts-liberation) answers for the
 * generic `serif`, and so does a `GlobalFonts.setAlias` alias in a list such as `"STSongStd", serif`
 * (@napi-rs/canvas 0.1.100).
 */
const NON_EMBEDDED_CJK_FAMILIES = [
  ...["STSong", "STSongStd", "STHeiti", "STKaiti", "STFangsong", "AdobeSongStd", "AdobeHeitiStd", "AdobeKaitiStd"],
  ...["AdobeFangsongStd", "SimSun", "NSimSun", "SimHei", "KaiTi", "FangSong", "Microsoft YaHei", "PingFang SC"],
  ...["MSung", "MSungStd", "MHei", "MHeiStd", "AdobeMingStd", "MingLiU", "PMingLiU", "DFKai"],
  ...["HeiseiMin", "HeiseiKakuGo", "KozMinPro", "KozGoPro", "KozMinProVI", "MS Mincho", "MS Gothic", "MS"],
  ...["HYSMyeongJo", "HYGoThic", "HYSMyeongJoStd", "AdobeMyungjoStd", "Batang", "Gulim", "Dotum"],
];

/**
 * Registers a CJK font with the canvas under `CJK_FONT_FAMILY` and the names PDFs use for non-embedded
 * CJK fonts: `configuredPath` (CJK_FONT_PATH) when set, else the first of `locations` that exists.
 * Returns the font file used, or `undefined` when none was found (Chinese text then renders as boxes).
 * Throws when a configured font cannot be loaded. Call it before rendering: @napi-rs/canvas keeps what a
 * font list resolved to once it has drawn with it, fonts registered later notwithstanding.
 */
export function registerCjkFont(configuredPath?: string, locations = CJK_FONT_LOCATIONS): string | undefined {
  let path = configuredPath;
  if (path !== undefined) {
    if (GlobalFonts.registerFromPath(path, CJK_FONT_FAMILY) === null) {
      throw new Error(`CJK_FONT_PATH: cannot load a font from ${path}`);
    }
  } else {
    path = locations.find(
      (location) => existsSync(location) && GlobalFonts.registerFromPath(location, CJK_FONT_FAMILY),
    );
    if (path === undefined) return undefined;
  }
  // The file is mapped again for each name, which costs little memory (about 20 MB for all of them).
  for (const family of NON_EMBEDDED_CJK_FAMILIES) GlobalFonts.registerFromPath(path, family);
  return path;
}

/** The canvas font pdfjs sets for lecture-cjk.pdf's non-embedded STSong-Light (observed). */
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
 * Whether the canvas draws Chinese text for a PDF whose CJK font is not embedded (e.g. STSong-Light).
 * Without a CJK font every ideograph becomes the same .notdef box, so two different ideographs rendering
 * identically means it cannot.
 */
export function hasCjkFontFallback(): boolean {
  const first = renderGlyph("机");
  const second = renderGlyph("器");
  return first.some((value, index) => value !== second[index]);
}
