import { writePdf } from "@learning-hub/testing";
import { describe, expect, it } from "vitest";
import { extractPdfText, MediaError, normalizePageText } from "../../src/media";

const LIMITS = { maxPages: 100, maxCharacters: 100_000 };

const lecture = writePdf([
  ["Optimisation, lecture 4"],
  ["Outline"],
  ["Gradient methods", "梯度下降法的收敛条件"],
  null,
  ["stochastic gradient descent", "<script>alert(1)</script> & more"],
]);

describe("extractPdfText", () => {
  it("returns the normalised text of each page that has some, Chinese from a non-embedded font included", async () => {
    const text = await extractPdfText(lecture, LIMITS);
    expect(text.pageCount).toBe(5);
    expect(text.skipped).toBeNull();
    expect(text.pages.map((page) => page.pageNumber)).toEqual([1, 2, 3, 5]);
    expect(text.pages[2]?.text).toBe("Gradient methods 梯度下降法的收敛条件");
    expect(text.pages[3]?.text).toBe("stochastic gradient descent <script>alert(1)</script> & more");
  });

  it("reads each document's own Chinese text when documents in the same non-embedded font follow or overlap", async () => {
    // pdfjs is patched to keep built CMaps and to-Unicode maps across documents: later documents must get
    // complete, unaltered maps, whichever characters the first one used.
    const read = async (lines: string[]) => (await extractPdfText(writePdf([lines]), LIMITS)).pages[0]?.text;
    expect(await read(["反向传播"])).toBe("反向传播");
    expect(await read(["卷积神经网络，池化层。", "Ｆｕｌｌ-width ＡＩ"])).toBe("卷积神经网络,池化层。 Full-width AI");
    expect(await Promise.all([read(["注意力机制"]), read(["反向传播"]), read(["循环神经网络"])])).toEqual([
      "注意力机制",
      "反向传播",
      "循环神经网络",
    ]);
  });

  it("gives no pages for a PDF without a text layer (a scan)", async () => {
    const text = await extractPdfText(writePdf([null, null]), LIMITS);
    expect(text).toEqual({ pages: [], pageCount: 2, skipped: null });
  });

  it("stops at the page limit and says which pages it skipped", async () => {
    const text = await extractPdfText(writePdf([["one"], ["two"], ["three"], ["four"]]), {
      maxPages: 2,
      maxCharacters: 1000,
    });
    expect(text.pages.map((page) => page.text)).toEqual(["one", "two"]);
    expect(text.skipped).toBe("not indexed: pages 3-4 (over 2 pages)");
  });

  it("stops at the character limit, keeping the part of the page that fits", async () => {
    const text = await extractPdfText(writePdf([["abcdef"], ["ghijkl"], ["mnopqr"]]), {
      maxPages: 10,
      maxCharacters: 9,
    });
    expect(text.pages.map((page) => page.text)).toEqual(["abcdef", "ghi"]);
    expect(text.skipped).toBe("not indexed: text from page 2 on (over 9 characters)");
  });

  it("rejects a file that is not a PDF with a storable reason", async () => {
    const error = await extractPdfText(Buffer.from("not a pdf at all"), LIMITS).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MediaError);
    expect((error as MediaError).code).toBe("UNREADABLE_INPUT");
  });

  it("stops when the caller aborts", async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await extractPdfText(lecture, { ...LIMITS, signal: controller.signal }).catch((caught) => caught);
    expect((error as MediaError).code).toBe("ABORTED");
  });
});

describe("normalizePageText", () => {
  it("applies NFKC, collapses whitespace and joins CJK text broken across lines", () => {
    expect(normalizePageText("ＡＩ  and\n机器\n学习 is\tfun ")).toBe("AI and 机器学习 is fun");
  });
});
