import { describe, expect, it } from "vitest";
import {
  detectUploadFormat,
  extensionOf,
  LARGEST_UPLOAD_BYTES,
  PDF_MAX_BYTES,
  SNIFF_BYTES,
  sniffFormat,
  UPLOAD_FORMATS,
  VIDEO_MAX_BYTES,
} from "../../src/services/file-type";
import { type GeneratedMediaKind, generatedMedia, minimalPdf } from "../support/generated-media";

const head = async (kind: GeneratedMediaKind) => (await generatedMedia(kind)).subarray(0, SNIFF_BYTES);

/** An `ftyp` box with the given major brand and one compatible brand. */
function ftyp(brand: string, compatible = "isom"): Buffer {
  const box = Buffer.alloc(24);
  box.writeUInt32BE(24, 0);
  box.write("ftyp", 4, "latin1");
  box.write(brand, 8, "latin1");
  box.write(compatible, 16, "latin1");
  return box;
}

describe("sniffFormat (the file-type package)", () => {
  it.each([
    ["mp4", "mp4"],
    ["webm", "webm"],
    ["m4a", "m4a"],
    ["mov", "mov"],
    ["mkv", "mkv"],
    ["3gp", "3gp"],
  ] as const)("ffmpeg's %s is %s", async (kind, expected) => {
    expect(await sniffFormat(await head(kind))).toBe(expected);
  });

  it("tells ISO-BMFF brands apart", async () => {
    expect(await sniffFormat(ftyp("mp42"))).toBe("mp4");
    expect(await sniffFormat(ftyp("M4A "))).toBe("m4a");
    expect(await sniffFormat(ftyp("qt  "))).toBe("mov");
    expect(await sniffFormat(ftyp("heic", "mif1"))).toBe("heic");
  });

  it("needs `%PDF-` at the very start", async () => {
    expect(await sniffFormat(minimalPdf())).toBe("pdf");
    expect(await sniffFormat(Buffer.concat([Buffer.from(" "), minimalPdf()]))).toBeNull();
  });

  it("is null for empty, tiny and unknown inputs", async () => {
    expect(await sniffFormat(Buffer.alloc(0))).toBeNull();
    expect(await sniffFormat(Buffer.from([0x1a]))).toBeNull();
    expect(await sniffFormat(Buffer.from("just some text\n"))).toBeNull();
  });
});

describe("detectUploadFormat", () => {
  it("needs the extension to agree with the bytes, in any case", async () => {
    expect(await detectUploadFormat("Talk.MP4", await head("mp4"))).toBe(UPLOAD_FORMATS.mp4);
    expect(await detectUploadFormat("clip.webm", await head("webm"))).toBe(UPLOAD_FORMATS.webm);
    expect(await detectUploadFormat("notes.pdf", minimalPdf())).toBe(UPLOAD_FORMATS.pdf);
    expect(await detectUploadFormat("clip.mp4", await head("webm"))).toBeNull();
    expect(await detectUploadFormat("notes.pdf.mp4", minimalPdf())).toBeNull();
    expect(await detectUploadFormat("notes", minimalPdf())).toBeNull();
    expect(await detectUploadFormat("notes.txt", Buffer.from("hello"))).toBeNull();
    expect(await detectUploadFormat("x.constructor", minimalPdf())).toBeNull();
  });

  it.each([
    ["an M4A (audio)", "m4a"],
    ["a QuickTime movie", "mov"],
    ["a 3GPP video", "3gp"],
  ] as const)("refuses %s renamed .mp4", async (_what, kind) => {
    expect(await detectUploadFormat("renamed.mp4", await head(kind))).toBeNull();
  });

  it("refuses Matroska renamed .webm, and HEIF renamed .mp4", async () => {
    expect(await detectUploadFormat("renamed.webm", await head("mkv"))).toBeNull();
    expect(await detectUploadFormat("photo.mp4", ftyp("heic", "mif1"))).toBeNull();
  });

  it("carries the contract's limits", () => {
    expect(VIDEO_MAX_BYTES).toBe(524_288_000);
    expect(PDF_MAX_BYTES).toBe(52_428_800);
    expect(LARGEST_UPLOAD_BYTES).toBe(VIDEO_MAX_BYTES);
    expect(UPLOAD_FORMATS.webm).toMatchObject({ type: "video", maxBytes: VIDEO_MAX_BYTES });
    expect(UPLOAD_FORMATS.pdf).toMatchObject({ type: "pdf", maxBytes: PDF_MAX_BYTES });
  });
});

describe("extensionOf", () => {
  it.each([
    ["a.MP4", "mp4"],
    ["archive.tar.gz", "gz"],
    [".pdf", ""],
    ["noext", ""],
    ["trailing.", ""],
  ])("%s -> %s", (name, ext) => {
    expect(extensionOf(name)).toBe(ext);
  });
});
