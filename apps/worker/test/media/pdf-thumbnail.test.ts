import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { decodeImage, findCjkFonts, MediaError, renderPdfThumbnail } from "../../src/media";
import { CJK_DRAWN, cjkInk } from "./cjk-ink";
import { countPixels, fixturePath, wholeImage } from "./helpers";

async function expectMediaError(promise: Promise<unknown>, code: MediaError["code"]): Promise<MediaError> {
  const error = await promise.then(
    () => expect.fail("expected a MediaError"),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(MediaError);
  expect((error as MediaError).code).toBe(code);
  return error as MediaError;
}

/** A one-page PDF with the given MediaBox and a line of Helvetica text, with a correct xref table. */
function minimalPdf(mediaBox: string): Buffer {
  const content = "BT /F1 24 Tf 10 10 Td (Hello) Tj ET";
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    `<< /Type /Page /Parent 2 0 R /MediaBox [${mediaBox}] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>`,
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let body = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(body.length);
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, "0")} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, "latin1");
}

describe("renderPdfThumbnail", () => {
  it("renders page 1 of handout-5-pages.pdf at exactly 480 px wide", async () => {
    const thumbnail = await renderPdfThumbnail(await readFile(fixturePath("handout-5-pages.pdf")));
    expect(thumbnail.pageCount).toBe(5);
    expect(thumbnail.width).toBe(480);
    expect(thumbnail.height).toBe(679); // A4 portrait
    const image = await decodeImage(thumbnail.jpeg);
    expect([image.width, image.height]).toEqual([480, 679]);
    // A white page with lines of text on it (measured: ~4% ink, ~91% white).
    const ink = countPixels(image, wholeImage(image), (value) => value < 128) / (480 * 679);
    expect(ink).toBeGreaterThan(0.02);
    expect(ink).toBeLessThan(0.1);
    expect(countPixels(image, wholeImage(image), (value) => value > 240) / (480 * 679)).toBeGreaterThan(0.7);
  });

  // Also with Debian's fonts-liberation installed; pdf-thumbnail-without-cjk-font.test.ts shows the check fails
  // without a CJK font.
  it("renders the non-embedded Chinese text of lecture-cjk.pdf", async () => {
    // The suite's prerequisites install fonts-wqy-microhei.
    expect(await findCjkFonts()).not.toEqual([]);
    const thumbnail = await renderPdfThumbnail(await readFile(fixturePath("lecture-cjk.pdf")));
    expect(thumbnail.pageCount).toBe(3);
    expect(thumbnail.width).toBe(480);
    const image = await decodeImage(thumbnail.jpeg);
    expect(image.width).toBe(480);
    expect(image.height).toBe(thumbnail.height);
    const ink = cjkInk(image);
    expect(ink.body).toBeGreaterThan(CJK_DRAWN.body);
    expect(ink.title).toBeGreaterThan(CJK_DRAWN.title);
  });

  it("honours the width option", async () => {
    const thumbnail = await renderPdfThumbnail(await readFile(fixturePath("handout-5-pages.pdf")), { width: 240 });
    const image = await decodeImage(thumbnail.jpeg);
    expect([image.width, image.height]).toEqual([240, 340]); // 842 x 240 / 595.3 = 339.47, rounded up
  });

  it("leaves the caller's buffer intact (pdfjs, which counts the pages, would detach it)", async () => {
    const data = await readFile(fixturePath("lecture-cjk.pdf"));
    const copy = Buffer.from(data);
    await renderPdfThumbnail(data);
    expect(data.length).toBe(copy.length);
    expect(data.equals(copy)).toBe(true);
  });

  it("caps the height of pathologically tall pages", async () => {
    const thumbnail = await renderPdfThumbnail(minimalPdf("0 0 100 20000"));
    expect(thumbnail.width).toBe(480);
    expect(thumbnail.height).toBe(1920);
    const image = await decodeImage(thumbnail.jpeg);
    expect([image.width, image.height]).toEqual([480, 1920]);
  });

  it("renders a page in a standard font the PDF does not embed (poppler substitutes a system font)", async () => {
    const thumbnail = await renderPdfThumbnail(minimalPdf("0 0 200 50"));
    const image = await decodeImage(thumbnail.jpeg);
    expect([image.width, image.height]).toEqual([480, 120]);
    expect(countPixels(image, wholeImage(image), (value) => value < 128)).toBeGreaterThan(500);
  });

  it("fails on corrupt-truncated.pdf with a reason", async () => {
    const error = await expectMediaError(
      renderPdfThumbnail(await readFile(fixturePath("corrupt-truncated.pdf"))),
      "UNREADABLE_INPUT",
    );
    expect(error.reason).toMatch(/^pdf\.js could not read the PDF: .+/);
  });

  it("fails on bytes that are not a PDF", async () => {
    await expectMediaError(renderPdfThumbnail(Buffer.from("just some text, not a document")), "UNREADABLE_INPUT");
  });

  it("rejects with ABORTED when the caller has aborted", async () => {
    const data = await readFile(fixturePath("handout-5-pages.pdf"));
    await expectMediaError(renderPdfThumbnail(data, { signal: AbortSignal.abort() }), "ABORTED");
  });
});
