import { thumbnailKey } from "@learning-hub/storage";
import { describe, expect, it } from "vitest";
import { keyTimestamp, materialObjectKey, safeFileName } from "../../src/services/object-key";

describe("safeFileName", () => {
  it.each([
    ["video.mp4", "mp4", "video.mp4"],
    ["My Lecture (final) v2.MP4", "mp4", "My_Lecture_final_v2.mp4"],
    ["../../etc/passwd.pdf", "pdf", "passwd.pdf"],
    ["C:\\Users\\me\\slides.pdf", "pdf", "slides.pdf"],
    ["a.pdf.mp4", "mp4", "a_pdf.mp4"],
    ["线性代数 第1讲.webm", "webm", "线性代数_第1讲.webm"],
    ["...", "pdf", "file.pdf"],
    [".mp4", "mp4", "mp4.mp4"],
    ["$%&.pdf", "pdf", "file.pdf"],
    ["___x___.pdf", "pdf", "x.pdf"],
  ])("%s -> %s", (input, extension, expected) => {
    expect(safeFileName(input, extension)).toBe(expected);
  });

  it("keeps at most 100 characters of the stem", () => {
    const name = safeFileName(`${"é".repeat(150)}.pdf`, "pdf");
    expect(name).toBe(`${"é".repeat(100)}.pdf`);
  });

  it("composes decomposed accents (NFC)", () => {
    expect(safeFileName("Cafe\u0301.pdf", "pdf")).toBe("Café.pdf");
  });
});

describe("materialObjectKey", () => {
  const at = new Date("2024-01-15T08:30:05.123Z");

  it("formats the UTC time as YYYYMMDD_HHMMSS", () => {
    expect(keyTimestamp(at)).toBe("20240115_083005");
    expect(keyTimestamp(new Date("2024-12-31T23:59:59.999+00:00"))).toBe("20241231_235959");
  });

  it("is materials/{user}/{time}_{name}", () => {
    expect(materialObjectKey(7, at, "video.mp4")).toBe("materials/7/20240115_083005_video.mp4");
  });

  it("adds a random suffix before the extension when asked for a unique one", () => {
    const first = materialObjectKey(7, at, "video.mp4", true);
    const second = materialObjectKey(7, at, "video.mp4", true);
    expect(first).toMatch(/^materials\/7\/20240115_083005_video_[0-9a-f]{8}\.mp4$/);
    expect(first).not.toBe(second);
  });

  it("puts thumbnails under thumbnails/{user}/{material}.jpg", () => {
    expect(thumbnailKey(7, 42)).toBe("thumbnails/7/42.jpg");
  });
});
