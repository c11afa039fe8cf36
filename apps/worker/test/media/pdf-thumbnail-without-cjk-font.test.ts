import { readFile } from "node:fs/promises";
import { GlobalFonts } from "@napi-rs/canvas";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeImage, hasCjkFontFallback, renderPdfThumbnail } from "../../src/media";
import { fixturePath } from "./helpers";
import { cjkInkRatios, renderWithPdftoppm } from "./pdf-reference";

// Runs in its own process (vitest forks per file): takes the system CJK font away from @napi-rs/canvas to
// show that the CJK assertions of pdf-thumbnail.test.ts fail when the Chinese text does not render.
describe("a machine without a CJK font", () => {
  beforeAll(() => {
    GlobalFonts.removeAll();
    expect(GlobalFonts.registerFromPath("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")).not.toBeNull();
  });

  it("is detected by hasCjkFontFallback", () => {
    expect(hasCjkFontFallback()).toBe(false);
  });

  it("renders boxes instead of Chinese text, which the ink check catches", async () => {
    const thumbnail = await renderPdfThumbnail(await readFile(fixturePath("lecture-cjk.pdf")));
    const image = await decodeImage(thumbnail.jpeg);
    expect(image.width).toBe(480);
    const ratios = cjkInkRatios(image, await renderWithPdftoppm(fixturePath("lecture-cjk.pdf"), 480));
    expect(ratios.body).toBeLessThan(0.6);
    expect(ratios.title).toBeLessThan(0.8);
  });
});
