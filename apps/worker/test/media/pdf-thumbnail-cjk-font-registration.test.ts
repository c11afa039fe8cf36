import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { LATIN_FONT_FILES } from "@learning-hub/testing";
import { GlobalFonts } from "@napi-rs/canvas";
import { beforeAll, describe, expect, it } from "vitest";
import {
  CJK_FONT_LOCATIONS,
  decodeImage,
  hasCjkFontFallback,
  registerCjkFont,
  renderPdfThumbnail,
} from "../../src/media";
import { fixturePath } from "./helpers";
import { cjkInkRatios, renderWithPdftoppm } from "./pdf-reference";

// Runs in its own process (vitest forks per file): none of the system fonts @napi-rs/canvas loaded on its own,
// only Latin fonts and the CJK font registered explicitly, as the worker does at start-up (before any render).
describe("a CJK font registered explicitly", () => {
  beforeAll(() => {
    GlobalFonts.removeAll();
    for (const file of LATIN_FONT_FILES) expect(GlobalFonts.registerFromPath(file)).not.toBeNull();
    // As with CJK_FONT_PATH set to the installed font.
    const installed = CJK_FONT_LOCATIONS.find((location) => existsSync(location));
    expect(installed).toBeDefined();
    expect(registerCjkFont(installed)).toBe(installed);
  });

  it("draws the Chinese text of lecture-cjk.pdf", async () => {
    expect(hasCjkFontFallback()).toBe(true);
    const thumbnail = await renderPdfThumbnail(await readFile(fixturePath("lecture-cjk.pdf")));
    const image = await decodeImage(thumbnail.jpeg);
    const ratios = cjkInkRatios(image, await renderWithPdftoppm(fixturePath("lecture-cjk.pdf"), 480));
    expect(ratios.body).toBeGreaterThan(0.6);
    expect(ratios.body).toBeLessThan(1.6);
    expect(ratios.title).toBeGreaterThan(0.8);
  });
});
