import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type DecodedImage, decodeImage } from "../../src/media";
import { countPixels, execFileAsync, type Region } from "./helpers";

/** Renders page 1 with poppler's pdftoppm (fontconfig picks the CJK substitute), as an independent reference. */
export async function renderWithPdftoppm(pdfPath: string, width: number): Promise<DecodedImage> {
  const dir = await mkdtemp(path.join(tmpdir(), "pdftoppm-"));
  try {
    const prefix = path.join(dir, "page");
    await execFileAsync("pdftoppm", [
      "-f",
      "1",
      "-l",
      "1",
      "-singlefile",
      "-png",
      "-scale-to-x",
      String(width),
      "-scale-to-y",
      "-1",
      pdfPath,
      prefix,
    ]);
    return await decodeImage(await readFile(`${prefix}.png`));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** lecture-cjk.pdf page 1 at 480 px: three bullet lines of black Chinese text on white... */
export const CJK_BODY_TEXT: Region = { left: 40, top: 90, right: 280, bottom: 195 };
/** ...and a white Chinese title on a dark blue bar. */
export const CJK_TITLE_TEXT: Region = { left: 20, top: 10, right: 300, bottom: 60 };

/**
 * How much ink the Chinese text leaves compared with the reference render (1 = same). When no CJK font is
 * available the ideographs become thin .notdef boxes and this drops to about a third.
 */
export function cjkInkRatios(rendered: DecodedImage, reference: DecodedImage): { body: number; title: number } {
  const dark = (value: number) => value < 128;
  const light = (value: number) => value > 200;
  return {
    body: countPixels(rendered, CJK_BODY_TEXT, dark) / countPixels(reference, CJK_BODY_TEXT, dark),
    title: countPixels(rendered, CJK_TITLE_TEXT, light) / countPixels(reference, CJK_TITLE_TEXT, light),
  };
}
