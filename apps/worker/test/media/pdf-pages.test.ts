import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { encryptedPdf, multiPagePdf } from "@learning-hub/testing/media-files";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  decodeImage,
  findCjkFonts,
  MediaError,
  type PagePreview,
  pdftoppmVersion,
  renderPdfAssets,
} from "../../src/media";
import { countPixels, execFileAsync, meanLuma } from "./helpers";

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

async function failure(promise: Promise<unknown>): Promise<MediaError> {
  const error = await promise.then(
    () => expect.fail("expected a failure"),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(MediaError);
  return error as MediaError;
}

/** pdftoppm processes whose command line names `dir` (their PDF lives in a private directory under it). */
async function pdftoppmsUnder(dir: string): Promise<string[]> {
  const { stdout } = await execFileAsync("ps", ["-eo", "args="]);
  return stdout.split("\n").filter((line) => line.startsWith("pdftoppm ") && line.includes(dir));
}

describe("renderPdfAssets", () => {
  // Each call's private directory (the PDF, pdftoppm's images) is made here, and must be gone afterwards.
  let workRoot: string;
  beforeEach(async () => {
    workRoot = await mkdtemp(path.join(tmpdir(), "pdf-assets-test-"));
  });
  afterEach(async () => {
    expect(await readdir(workRoot)).toEqual([]);
    await rm(workRoot, { recursive: true, force: true });
  });

  it("renders the thumbnail and a 320 px preview of every page, pdfjs counting the pages", async () => {
    const previews: PagePreview[] = [];
    const assets = await renderPdfAssets(multiPagePdf(6), {
      workRoot,
      previews: { onPreview: async (preview) => void previews.push(preview) },
    });
    expect(assets.pageCount).toBe(6);
    expect(assets.previewCount).toBe(6);
    expect([assets.thumbnail.width, assets.thumbnail.height]).toEqual([480, 270]);
    const thumbnail = await decodeImage(assets.thumbnail.jpeg);
    expect([thumbnail.width, thumbnail.height]).toEqual([480, 270]);
    expect(blueBarShare(thumbnail)).toBeCloseTo(1 / 6, 1);
    expect(previews.map((p) => p.page)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const [index, preview] of previews.entries()) {
      expect([preview.width, preview.height]).toEqual([320, 180]);
      const image = await decodeImage(preview.jpeg);
      expect([image.width, image.height]).toEqual([320, 180]);
      // Each preview is its own page: the bar grows with the page number.
      expect(blueBarShare(image)).toBeCloseTo((index + 1) / 6, 1);
      expect(countPixels(image, { left: 0, top: 40, right: 320, bottom: 140 }, (v) => v < 100)).toBeGreaterThan(50);
    }
  });

  it("hands over previews in page order past pdftoppm's zero-padded file names", async () => {
    const previews: PagePreview[] = [];
    const assets = await renderPdfAssets(multiPagePdf(12, 400, 300), {
      workRoot,
      previews: { width: 200, onPreview: async (preview) => void previews.push(preview) },
    });
    expect(assets).toMatchObject({ pageCount: 12, previewCount: 12 });
    expect(previews.map((p) => p.page)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    for (const [index, preview] of previews.entries()) {
      expect([preview.width, preview.height]).toEqual([200, 150]);
      expect(blueBarShare(await decodeImage(preview.jpeg))).toBeCloseTo((index + 1) / 12, 1);
    }
  });

  it("stops at the page cap", async () => {
    const previews: number[] = [];
    const assets = await renderPdfAssets(multiPagePdf(5), {
      workRoot,
      previews: { maxPages: 3, onPreview: async (preview) => void previews.push(preview.page) },
    });
    expect(assets).toMatchObject({ pageCount: 5, previewCount: 3 });
    expect(previews).toEqual([1, 2, 3]);
  });

  it("without previews renders only the thumbnail", async () => {
    const assets = await renderPdfAssets(multiPagePdf(3), { workRoot });
    expect(assets.previewCount).toBe(0);
    const image = await decodeImage(assets.thumbnail.jpeg);
    expect(meanLuma(image)).toBeGreaterThan(150);
  });

  it("fails the whole call when storing a preview fails", async () => {
    const error = await failure(
      renderPdfAssets(multiPagePdf(3), {
        workRoot,
        previews: {
          onPreview: async (preview) => {
            if (preview.page === 2) throw new Error("storage is down");
          },
        },
      }),
    );
    expect(error.reason).toBe("PDF rendering failed: storage is down");
  });

  it("times out between pages with a reason", async () => {
    const error = await failure(
      renderPdfAssets(multiPagePdf(40), {
        workRoot,
        timeoutMs: 1_500,
        previews: { onPreview: () => new Promise((resolve) => setTimeout(resolve, 100)) },
      }),
    );
    expect(error.code).toBe("TIMEOUT");
    expect(error.reason).toBe("PDF rendering timed out after 1500 ms");
  });

  it("kills pdftoppm when the deadline passes while it renders", async () => {
    // 300 pages at 2000 px take pdftoppm several seconds.
    const rendering = renderPdfAssets(multiPagePdf(300), {
      workRoot,
      timeoutMs: 1_000,
      previews: { width: 2_000, onPreview: async () => expect.fail("no preview is handed over") },
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await pdftoppmsUnder(workRoot)).not.toEqual([]);
    const error = await failure(rendering);
    expect(error.code).toBe("TIMEOUT");
    expect(error.reason).toBe("PDF rendering timed out after 1000 ms");
    expect(await pdftoppmsUnder(workRoot)).toEqual([]);
  });

  it("fails with pdftoppm's own words when poppler cannot render what pdfjs read", async () => {
    // No pages: pdfjs counts 0, pdftoppm refuses the page range of the thumbnail.
    const error = await failure(renderPdfAssets(multiPagePdf(0), { workRoot }));
    expect(error.code).toBe("UNREADABLE_INPUT");
    expect(error.reason).toMatch(/^pdftoppm could not render the PDF: .*Wrong page range/);
  });

  it("fails as a local problem, not the PDF's, when pdftoppm cannot be run", async () => {
    const error = await failure(renderPdfAssets(multiPagePdf(1), { workRoot, pdftoppmPath: "/nonexistent/pdftoppm" }));
    expect(error.code).toBe("INTERNAL");
    expect(error.reason).toMatch(/^could not run \/nonexistent\/pdftoppm: /);
  });

  it("fails on a password-protected PDF with a reason that says so", async () => {
    const error = await failure(renderPdfAssets(await encryptedPdf(), { workRoot }));
    expect(error.code).toBe("UNREADABLE_INPUT");
    expect(error.reason).toBe("the PDF is password-protected");
  });

  it("fails on bytes that are not a PDF", async () => {
    const error = await failure(renderPdfAssets(Buffer.from("not a pdf"), { workRoot }));
    expect(error.code).toBe("UNREADABLE_INPUT");
    expect(error.reason).toMatch(/^pdf\.js could not read the PDF: /);
  });
});

describe("the worker's start-up checks", () => {
  it("read pdftoppm's version and the CJK fonts fontconfig offers", async () => {
    expect(await pdftoppmVersion()).toMatch(/^pdftoppm version \d+\.\d+/);
    // The suite's prerequisites install fonts-wqy-microhei.
    expect(await findCjkFonts()).not.toEqual([]);
  });

  it("fail as local problems when the tools cannot be run", async () => {
    await expect(pdftoppmVersion("/nonexistent/pdftoppm")).rejects.toMatchObject({ code: "INTERNAL" });
    await expect(findCjkFonts("/nonexistent/fc-list")).rejects.toMatchObject({ code: "INTERNAL" });
  });
});
