import { multiPagePdf } from "@learning-hub/testing/media-files";
import { GlobalFonts } from "@napi-rs/canvas";
import { describe, expect, it } from "vitest";
import { decodeImage, MediaError, type PagePreview, type PdfDocument, renderPdfAssets } from "../../src/media";
import { countPixels, meanLuma } from "./helpers";

/** Share of the bottom bar drawn blue: page N of M draws a bar N/M of the width, so each page differs. */
function blueBarShare(image: Awaited<ReturnType<typeof decodeImage>>): number {
  const y = image.height - 5;
  let blue = 0;
  for (let x = 0; x < image.width; x++) {
    const offset = (y * image.width + x) * 4;
    if ((image.pixels[offset + 2] ?? 0) > 180 && (image.pixels[offset] ?? 0) < 80) blue++;
  }
  return blue / image.width;
}

describe("renderPdfAssets", () => {
  it("opens the document once for the thumbnail, a 320 px preview of every page and further steps", async () => {
    const previews: PagePreview[] = [];
    const seenByStep: PdfDocument[] = [];
    const assets = await renderPdfAssets(multiPagePdf(6), {
      previews: { onPreview: async (preview) => void previews.push(preview) },
      steps: [async (document) => void seenByStep.push(document)],
    });
    expect(assets.pageCount).toBe(6);
    expect(assets.previewCount).toBe(6);
    expect([assets.thumbnail.width, assets.thumbnail.height]).toEqual([480, 270]);
    expect(previews.map((p) => p.page)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const [index, preview] of previews.entries()) {
      expect([preview.width, preview.height]).toEqual([320, 180]);
      const image = await decodeImage(preview.jpeg);
      expect([image.width, image.height]).toEqual([320, 180]);
      // Each preview is its own page: the bar grows with the page number.
      expect(blueBarShare(image)).toBeCloseTo((index + 1) / 6, 1);
      expect(countPixels(image, { left: 0, top: 40, right: 320, bottom: 140 }, (v) => v < 100)).toBeGreaterThan(50);
    }
    expect(seenByStep).toHaveLength(1);
    expect(seenByStep[0]?.numPages).toBe(6);
  });

  it("hands the PDF's fonts to the canvas while the document is open and removes them after", async () => {
    const pdfjsFonts = () => GlobalFonts.families.filter((font) => /^g_d\d+_f\d+$/.test(font.family));
    let whileOpen = 0;
    await renderPdfAssets(multiPagePdf(2), {
      steps: [
        async () => {
          whileOpen = pdfjsFonts().length;
        },
      ],
    });
    expect(whileOpen).toBeGreaterThan(0);
    expect(pdfjsFonts()).toEqual([]);
  });

  it("stops at the page cap", async () => {
    const previews: number[] = [];
    const assets = await renderPdfAssets(multiPagePdf(5), {
      previews: { maxPages: 3, onPreview: async (preview) => void previews.push(preview.page) },
    });
    expect(assets).toMatchObject({ pageCount: 5, previewCount: 3 });
    expect(previews).toEqual([1, 2, 3]);
  });

  it("without previews renders only the thumbnail", async () => {
    const assets = await renderPdfAssets(multiPagePdf(3));
    expect(assets.previewCount).toBe(0);
    const image = await decodeImage(assets.thumbnail.jpeg);
    expect(meanLuma(image)).toBeGreaterThan(150);
  });

  it("fails the whole call when storing a preview fails", async () => {
    const error = await renderPdfAssets(multiPagePdf(3), {
      previews: {
        onPreview: async (preview) => {
          if (preview.page === 2) throw new Error("storage is down");
        },
      },
    }).then(
      () => expect.fail("expected a failure"),
      (caught: unknown) => caught as MediaError,
    );
    expect(error).toBeInstanceOf(MediaError);
    expect(error.reason).toBe("PDF rendering failed: storage is down");
  });

  it("times out between pages with a reason", async () => {
    const error = await renderPdfAssets(multiPagePdf(40), {
      timeoutMs: 300,
      previews: { onPreview: () => new Promise((resolve) => setTimeout(resolve, 50)) },
    }).then(
      () => expect.fail("expected a timeout"),
      (caught: unknown) => caught as MediaError,
    );
    expect(error.code).toBe("TIMEOUT");
    expect(error.reason).toBe("PDF rendering timed out after 300 ms");
  });

  it("fails on bytes that are not a PDF", async () => {
    const error = await renderPdfAssets(Buffer.from("not a pdf")).then(
      () => expect.fail("expected a failure"),
      (caught: unknown) => caught as MediaError,
    );
    expect(error.code).toBe("UNREADABLE_INPUT");
  });
});
