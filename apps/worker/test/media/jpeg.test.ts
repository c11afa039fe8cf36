import { describe, expect, it } from "vitest";
import { jpegSize, renderPlaceholder } from "../../src/media";

describe("jpegSize", () => {
  it("reads the size from the frame header without decoding", async () => {
    expect(jpegSize(await renderPlaceholder("pdf"))).toEqual({ width: 480, height: 270 });
  });

  it("finds no size in a JPEG cut before its frame header, or in other bytes", async () => {
    const jpeg = await renderPlaceholder("video");
    expect(jpegSize(jpeg.subarray(0, 20))).toBeUndefined();
    expect(jpegSize(Buffer.from("\x89PNG\r\n\x1a\n not a jpeg at all", "latin1"))).toBeUndefined();
    expect(jpegSize(Buffer.alloc(0))).toBeUndefined();
  });
});
