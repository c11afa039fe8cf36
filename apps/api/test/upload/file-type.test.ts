import { describe, expect, it } from "vitest";
import {
  detectUploadFormat,
  ebmlDocType,
  extensionOf,
  LARGEST_UPLOAD_BYTES,
  PDF_MAX_BYTES,
  SNIFF_BYTES,
  sniffFormat,
  UPLOAD_FORMATS,
  VIDEO_MAX_BYTES,
} from "../../src/services/file-type";
import { fixture } from "../support/multipart";

const head = (name: string) => fixture(name).subarray(0, SNIFF_BYTES);

/** An EBML header holding the given DocType, as muxers write it. */
function ebmlHeader(docType: string): Buffer {
  const doc = Buffer.from(docType, "latin1");
  const elements = Buffer.concat([
    Buffer.from([0x42, 0x86, 0x81, 0x01]), // EBMLVersion 1
    Buffer.from([0x42, 0x82, 0x80 | doc.length]), // DocType, 1-byte size
    doc,
  ]);
  return Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x80 | elements.length]), elements]);
}

/** An `ftyp` box with the given major brand. */
function ftyp(brand: string): Buffer {
  const box = Buffer.alloc(24);
  box.writeUInt32BE(24, 0);
  box.write("ftyp", 4, "latin1");
  box.write(brand, 8, "latin1");
  box.write("isom", 16, "latin1");
  return box;
}

describe("sniffFormat", () => {
  it.each([
    ["sample-720p.mp4", "mp4"],
    ["black-start.mp4", "mp4"],
    ["truncated.mp4", "mp4"],
    ["sample.webm", "webm"],
    ["handout-5-pages.pdf", "pdf"],
    ["lecture-cjk.pdf", "pdf"],
    ["corrupt-truncated.pdf", "pdf"],
    ["not-a-video.mp4", null],
  ])("%s is %s", (name, expected) => {
    expect(sniffFormat(head(name))).toBe(expected);
  });

  it("reads ISO-BMFF from the ftyp box at offset 4", () => {
    expect(sniffFormat(ftyp("mp42"))).toBe("mp4");
    expect(sniffFormat(ftyp("qt  "))).toBe("mp4");
    expect(sniffFormat(Buffer.concat([Buffer.from([0]), ftyp("mp42")]))).toBeNull();
  });

  it("refuses HEIF and AVIF still images, which are ISO-BMFF too", () => {
    expect(sniffFormat(ftyp("heic"))).toBeNull();
    expect(sniffFormat(ftyp("avif"))).toBeNull();
    expect(sniffFormat(ftyp("mif1"))).toBeNull();
  });

  it("refuses a ftyp box whose size is impossibly small", () => {
    const box = ftyp("mp42");
    box.writeUInt32BE(8, 0);
    expect(sniffFormat(box)).toBeNull();
  });

  it("tells webm from other Matroska", () => {
    expect(ebmlDocType(ebmlHeader("webm"))).toBe("webm");
    expect(sniffFormat(ebmlHeader("webm"))).toBe("webm");
    expect(ebmlDocType(ebmlHeader("matroska"))).toBe("matroska");
    expect(sniffFormat(ebmlHeader("matroska"))).toBeNull();
  });

  it("survives a cut-off EBML header and NUL padding", () => {
    const whole = ebmlHeader("webm");
    expect(sniffFormat(whole.subarray(0, whole.length - 2))).toBeNull();
    expect(ebmlDocType(ebmlHeader("webm\0\0"))).toBe("webm");
    expect(ebmlDocType(Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x00]))).toBeNull();
  });

  it("needs `%PDF-` at the very start", () => {
    expect(sniffFormat(Buffer.from("%PDF-1.4\n"))).toBe("pdf");
    expect(sniffFormat(Buffer.from(" %PDF-1.4\n"))).toBeNull();
    expect(sniffFormat(Buffer.from("%PDF"))).toBeNull();
  });

  it("is null for empty and tiny inputs", () => {
    expect(sniffFormat(Buffer.alloc(0))).toBeNull();
    expect(sniffFormat(Buffer.from([0x1a]))).toBeNull();
  });
});

describe("detectUploadFormat", () => {
  it("needs the extension to agree with the bytes, in any case", () => {
    expect(detectUploadFormat("Talk.MP4", head("sample-720p.mp4"))).toBe(UPLOAD_FORMATS.mp4);
    expect(detectUploadFormat("clip.webm", head("sample.webm"))).toBe(UPLOAD_FORMATS.webm);
    expect(detectUploadFormat("notes.pdf", head("handout-5-pages.pdf"))).toBe(UPLOAD_FORMATS.pdf);
    expect(detectUploadFormat("clip.mp4", head("sample.webm"))).toBeNull();
    expect(detectUploadFormat("notes.pdf.mp4", head("handout-5-pages.pdf"))).toBeNull();
    expect(detectUploadFormat("notes", head("handout-5-pages.pdf"))).toBeNull();
    expect(detectUploadFormat("notes.txt", Buffer.from("hello"))).toBeNull();
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
