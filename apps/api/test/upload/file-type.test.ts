import { writePdf } from "@learning-hub/testing";
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
import { fixture } from "../support/multipart";

/** The first bytes of a test media file: all that sniffing reads. */
const head = (name: string) => fixture(name).subarray(0, SNIFF_BYTES);
const pdf = writePdf([["Hello"]]);

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
    ["sample-720p.mp4", "mp4"],
    ["sample.webm", "webm"],
    ["sample-audio.m4a", "m4a"],
    ["sample.mov", "mov"],
    ["sample.mkv", "mkv"],
    ["sample.3gp", "3gp"],
  ] as const)("ffmpeg's %s is %s", async (name, expected) => {
    expect(await sniffFormat(head(name))).toBe(expected);
  });

  it("tells ISO-BMFF brands apart", async () => {
    expect(await sniffFormat(ftyp("mp42"))).toBe("mp4");
    expect(await sniffFormat(ftyp("M4A "))).toBe("m4a");
    expect(await sniffFormat(ftyp("qt  "))).toBe("mov");
    expect(await sniffFormat(ftyp("heic", "mif1"))).toBe("heic");
  });

  it("needs `%PDF-` at the very start", async () => {
    expect(await sniffFormat(pdf)).toBe("pdf");
    expect(await sniffFormat(Buffer.concat([Buffer.from(" "), pdf]))).toBeNull();
  });

  it("is null for empty, tiny and unknown inputs", async () => {
    expect(await sniffFormat(Buffer.alloc(0))).toBeNull();
    expect(await sniffFormat(Buffer.from([0x1a]))).toBeNull();
    expect(await sniffFormat(Buffer.from("just some text\n"))).toBeNull();
  });
});

describe("detectUploadFormat", () => {
  it("needs the extension to agree with the bytes, in any case", async () => {
    expect(await detectUploadFormat("Talk.MP4", head("sample-720p.mp4"))).toBe(UPLOAD_FORMATS.mp4);
    expect(await detectUploadFormat("clip.webm", head("sample.webm"))).toBe(UPLOAD_FORMATS.webm);
    expect(await detectUploadFormat("notes.pdf", pdf)).toBe(UPLOAD_FORMATS.pdf);
    expect(await detectUploadFormat("clip.mp4", head("sample.webm"))).toBeNull();
    expect(await detectUploadFormat("notes.pdf.mp4", pdf)).toBeNull();
    expect(await detectUploadFormat("notes", pdf)).toBeNull();
    expect(await detectUploadFormat("notes.txt", Buffer.from("hello"))).toBeNull();
    expect(await detectUploadFormat("x.constructor", pdf)).toBeNull();
  });

  it.each([
    ["an M4A (audio)", "sample-audio.m4a"],
    ["a QuickTime movie", "sample.mov"],
    ["a 3GPP video", "sample.3gp"],
  ] as const)("refuses %s renamed .mp4", async (_what, name) => {
    expect(await detectUploadFormat("renamed.mp4", head(name))).toBeNull();
  });

  it("refuses Matroska renamed .webm, and HEIF renamed .mp4", async () => {
    expect(await detectUploadFormat("renamed.webm", head("sample.mkv"))).toBeNull();
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
