import type { DecodedImage } from "../../src/media";
import { countPixels, type Region } from "./helpers";

/** lecture-cjk.pdf page 1 at 480 px: three bullet lines of black Chinese text on white... */
const CJK_BODY_TEXT: Region = { left: 40, top: 90, right: 280, bottom: 195 };
/** ...and a white Chinese title on a dark blue bar. */
const CJK_TITLE_TEXT: Region = { left: 20, top: 10, right: 300, bottom: 60 };

const share = (image: DecodedImage, region: Region, test: (value: number) => boolean) =>
  countPixels(image, region, test) / ((region.right - region.left) * (region.bottom - region.top));

/**
 * The share of the Chinese text's areas that is ink (dark body text, light title text). Measured with
 * poppler 22.12 and WenQuanYi Micro Hei: ~0.062 / ~0.060; without a CJK font the ideographs become thin empty
 * boxes: ~0.029 / ~0.015.
 */
export function cjkInk(image: DecodedImage): { body: number; title: number } {
  return {
    body: share(image, CJK_BODY_TEXT, (value) => value < 128),
    title: share(image, CJK_TITLE_TEXT, (value) => value > 200),
  };
}

/** Between the two: the Chinese text was drawn with a CJK font. */
export const CJK_DRAWN = { body: 0.045, title: 0.035 };
