import { describe, expect, it } from "vitest";
import { decodeImage, isCompleteJpeg, renderPlaceholder } from "../../src/media";
import { countPixels, wholeImage } from "./helpers";

describe("renderPlaceholder", () => {
  it.each(["video", "pdf"] as const)("renders a 480x270 JPEG for %s", async (type) => {
    const jpeg = await renderPlaceholder(type);
    expect(isCompleteJpeg(jpeg)).toBe(true);
    const image = await decodeImage(jpeg);
    expect([image.width, image.height]).toEqual([480, 270]);
    // A glyph and a label on the neutral background, not an empty picture.
    expect(countPixels(image, wholeImage(image), (value) => value < 150)).toBeGreaterThan(2_000);
  });

  it("is deterministic and differs per type", async () => {
    const [video, videoAgain, pdf] = await Promise.all([
      renderPlaceholder("video"),
      renderPlaceholder("video"),
      renderPlaceholder("pdf"),
    ]);
    expect(video.equals(videoAgain)).toBe(true);
    expect(video.equals(pdf)).toBe(false);
  });
});
