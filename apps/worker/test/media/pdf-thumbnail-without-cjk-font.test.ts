import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { LATIN_FONT_FILES } from "@learning-hub/testing";
import { GlobalFonts } from "@napi-rs/canvas";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeImage, hasCjkFontFallback, registerCjkFont, renderPdfThumbnail } from "../../src/media";
import { fixturePath } from "./helpers";
import { cjkInkRatios, renderWithPdftoppm } from "./pdf-reference";

// Runs in its own process (vitest forks per file): takes the system fonts away from @napi-rs/canvas to show
// that the CJK assertions of pdf-thumbnail.test.ts fail when the Chinese text does not render, and that the
// font registerCjkFont registers is what makes it render.
describe("a machine without a CJK font", () => {
  beforeAll(() => {
    GlobalFonts.removeAll();
    // Latin fonts only, as on a machine without a CJK font (a Latin serif answers for the generic `serif`).
    for (const file of LATIN_FONT_FILES) expect(GlobalFonts.registerFromPath(file)).not.toBeNull();
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

  it("finds no CJK font where none is installed", () => {
    expect(registerCjkFont(undefined, ["/nonexistent/wqy-microhei.ttc"])).toBeUndefined();
    expect(hasCjkFontFallback()).toBe(false);
  });

  it("refuses a CJK_FONT_PATH that is not a font, naming the variable", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "cjk-font-"));
    try {
      await writeFile(path.join(dir, "not-a-font.ttf"), "plain text");
      expect(() => registerCjkFont(path.join(dir, "not-a-font.ttf"))).toThrow(/^CJK_FONT_PATH: cannot load a font/);
      expect(() => registerCjkFont(path.join(dir, "missing.ttf"))).toThrow(/^CJK_FONT_PATH/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
