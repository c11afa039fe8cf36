import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { LATIN_FONT_FILES } from "@learning-hub/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeImage, findCjkFonts, renderPdfThumbnail } from "../../src/media";
import { CJK_DRAWN, cjkInk } from "./cjk-ink";
import { fixturePath } from "./helpers";

// Runs in its own process (vitest forks per file): points fontconfig, which poppler asks for substitutes of
// fonts a PDF does not embed, at a configuration of our own (FONTCONFIG_FILE, inherited by pdftoppm) to show
// that the CJK assertions of pdf-thumbnail.test.ts fail when the Chinese text does not render, and that a CJK
// font fontconfig offers is what makes it render.
let dir: string;
let cjkFontDir: string;

/** A fontconfig configuration with only these font directories (and a cache of its own). */
async function useFontDirectories(dirs: string[]): Promise<void> {
  const file = path.join(dir, `fonts-${dirs.length}.conf`);
  await writeFile(
    file,
    `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>${dirs.map((d) => `<dir>${d}</dir>`).join("")}<cachedir>${path.join(dir, "cache")}</cachedir></fontconfig>\n`,
  );
  process.env.FONTCONFIG_FILE = file;
}

beforeAll(async () => {
  // The suite's prerequisites install fonts-wqy-microhei; asked before the configuration is replaced.
  const installed = await findCjkFonts();
  expect(installed).not.toEqual([]);
  cjkFontDir = path.dirname(installed[0] ?? "");
  dir = await mkdtemp(path.join(tmpdir(), "fontconfig-"));
});

afterAll(async () => {
  delete process.env.FONTCONFIG_FILE;
  await rm(dir, { recursive: true, force: true });
});

describe("a machine without a CJK font", () => {
  beforeAll(async () => {
    // Latin fonts only (DejaVu, from npm).
    await useFontDirectories([path.dirname(LATIN_FONT_FILES[0] ?? "")]);
  });

  it("is detected by findCjkFonts", async () => {
    expect(await findCjkFonts()).toEqual([]);
  });

  it("renders boxes instead of Chinese text, which the ink check catches", async () => {
    const thumbnail = await renderPdfThumbnail(await readFile(fixturePath("lecture-cjk.pdf")));
    const image = await decodeImage(thumbnail.jpeg);
    expect(image.width).toBe(480);
    const ink = cjkInk(image);
    expect(ink.body).toBeLessThan(CJK_DRAWN.body);
    expect(ink.title).toBeLessThan(CJK_DRAWN.title);
  });
});

describe("a CJK font fontconfig offers", () => {
  beforeAll(async () => {
    await useFontDirectories([path.dirname(LATIN_FONT_FILES[0] ?? ""), cjkFontDir]);
  });

  it("is found by findCjkFonts", async () => {
    const fonts = await findCjkFonts();
    expect(fonts.length).toBeGreaterThan(0);
    expect(fonts.every((file) => file.startsWith(cjkFontDir))).toBe(true);
  });

  it("draws the Chinese text of lecture-cjk.pdf", async () => {
    const thumbnail = await renderPdfThumbnail(await readFile(fixturePath("lecture-cjk.pdf")));
    const ink = cjkInk(await decodeImage(thumbnail.jpeg));
    expect(ink.body).toBeGreaterThan(CJK_DRAWN.body);
    expect(ink.title).toBeGreaterThan(CJK_DRAWN.title);
  });
});
