import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  flatPresentation,
  flatText,
  generateVideo,
  saveWithLibreOffice,
  writeZip,
} from "@learning-hub/testing/media-files";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detectExtendedFormat, EXTENDED_SNIFF_BYTES } from "../../src/services/extended-formats";

let dir: string;
const heads: Record<string, Buffer> = {};
const head = (name: string) => heads[name] as Buffer;

const contentTypes = (mainType: string) =>
  Buffer.from(
    `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
      `<Default Extension="xml" ContentType="application/xml"/>` +
      `<Override PartName="/main.xml" ContentType="${mainType}"/></Types>`,
  );

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "extended-formats-test-"));
  const files = {
    ...(await saveWithLibreOffice(dir, "deck", flatPresentation(2), "fodp", ["pptx", "ppt", "odp"])),
    ...(await saveWithLibreOffice(dir, "notes", flatText(2), "fodt", ["docx", "doc", "odt"])),
  };
  const h264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"];
  await Promise.all([
    generateVideo(path.join(dir, "clip.mov"), { seconds: 1, codecArgs: h264, audio: false }),
    generateVideo(path.join(dir, "clip.m4v"), { seconds: 1, codecArgs: h264, audio: false }),
    generateVideo(path.join(dir, "clip.mp4"), { seconds: 1, codecArgs: h264, audio: false }),
    generateVideo(path.join(dir, "clip.mkv"), { seconds: 1, codecArgs: ["-c:v", "mpeg4"], audio: false }),
    generateVideo(path.join(dir, "clip.avi"), { seconds: 1, codecArgs: ["-c:v", "mpeg4"], audio: false }),
    generateVideo(path.join(dir, "clip.webm"), {
      seconds: 1,
      size: "64x48",
      codecArgs: ["-c:v", "libvpx"],
      audio: false,
    }),
  ]);
  for (const [format, file] of Object.entries(files)) heads[format] = await readFile(file);
  for (const video of ["mov", "m4v", "mp4", "mkv", "avi", "webm"]) {
    heads[video] = (await readFile(path.join(dir, `clip.${video}`))).subarray(0, EXTENDED_SNIFF_BYTES);
  }
  // As Microsoft Office writes them: the content types first.
  const ooxml = "application/vnd.openxmlformats-officedocument";
  heads.msDocx = await writeZip([
    { name: "[Content_Types].xml", data: contentTypes(`${ooxml}.wordprocessingml.document.main+xml`) },
    { name: "word/document.xml", data: Buffer.from("<w:document/>") },
  ]);
  heads.msPptx = await writeZip([
    { name: "[Content_Types].xml", data: contentTypes(`${ooxml}.presentationml.presentation.main+xml`) },
    { name: "ppt/presentation.xml", data: Buffer.from("<p:presentation/>") },
  ]);
  heads.xlsx = await writeZip([
    { name: "[Content_Types].xml", data: contentTypes(`${ooxml}.spreadsheetml.sheet.main+xml`) },
    { name: "xl/workbook.xml", data: Buffer.from("<workbook/>") },
  ]);
  heads.docm = await writeZip([
    { name: "[Content_Types].xml", data: contentTypes("application/vnd.ms-word.document.macroEnabled.main+xml") },
    { name: "word/document.xml", data: Buffer.from("<w:document/>") },
  ]);
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("detectExtendedFormat", () => {
  it.each(["pptx", "ppt", "odp", "docx", "doc", "odt"])("accepts a %s written by LibreOffice", (format) => {
    expect(detectExtendedFormat(`Lecture 1.${format}`, head(format))).toBe(format);
    expect(detectExtendedFormat(`LECTURE.${format.toUpperCase()}`, head(format))).toBe(format);
  });

  it("reads the OOXML content types when they come first, as Microsoft Office writes them", () => {
    expect(detectExtendedFormat("a.docx", head("msDocx"))).toBe("docx");
    expect(detectExtendedFormat("a.pptx", head("msPptx"))).toBe("pptx");
    expect(detectExtendedFormat("a.pptx", head("msDocx"))).toBeNull();
  });

  it("refuses packages of another type than the extension", () => {
    expect(detectExtendedFormat("a.docx", head("pptx"))).toBeNull();
    expect(detectExtendedFormat("a.pptx", head("docx"))).toBeNull();
    expect(detectExtendedFormat("a.odp", head("odt"))).toBeNull();
    expect(detectExtendedFormat("a.odt", head("docx"))).toBeNull();
    expect(detectExtendedFormat("a.docx", head("odt"))).toBeNull();
    expect(detectExtendedFormat("a.docx", head("xlsx"))).toBeNull();
    expect(detectExtendedFormat("a.docx", head("docm"))).toBeNull();
  });

  it("tells Word from PowerPoint OLE files when the directory is in the head", () => {
    expect(detectExtendedFormat("a.ppt", head("doc"))).toBeNull();
    expect(detectExtendedFormat("a.doc", head("doc"))).toBe("doc");
    // LibreOffice's .ppt keeps its directory at the end: any OLE file then passes as what the name says.
    expect(detectExtendedFormat("a.ppt", head("ppt").subarray(0, EXTENDED_SNIFF_BYTES))).toBe("ppt");
    expect(detectExtendedFormat("a.docx", head("doc"))).toBeNull();
    expect(detectExtendedFormat("a.doc", head("docx"))).toBeNull();
  });

  it("accepts mov, m4v, mkv and avi by their containers", () => {
    expect(detectExtendedFormat("talk.mov", head("mov"))).toBe("mov");
    expect(detectExtendedFormat("talk.m4v", head("m4v"))).toBe("m4v");
    expect(detectExtendedFormat("talk.mkv", head("mkv"))).toBe("mkv");
    expect(detectExtendedFormat("talk.avi", head("avi"))).toBe("avi");
    // One container family: an mp4-branded file may be called .mov or .m4v...
    expect(detectExtendedFormat("talk.mov", head("mp4"))).toBe("mov");
    expect(detectExtendedFormat("talk.m4v", head("mp4"))).toBe("m4v");
    // ...but a QuickTime-branded one only .mov.
    expect(detectExtendedFormat("talk.m4v", head("mov"))).toBeNull();
  });

  it("refuses videos whose container disagrees with the extension", () => {
    expect(detectExtendedFormat("talk.mkv", head("webm"))).toBeNull();
    expect(detectExtendedFormat("talk.mkv", head("avi"))).toBeNull();
    expect(detectExtendedFormat("talk.avi", head("mkv"))).toBeNull();
    expect(detectExtendedFormat("talk.mov", head("mkv"))).toBeNull();
    expect(detectExtendedFormat("talk.mov", head("docx"))).toBeNull();
  });

  it("leaves formats it does not own, and junk, alone", () => {
    expect(detectExtendedFormat("talk.mp4", head("mp4"))).toBeNull();
    expect(detectExtendedFormat("talk.webm", head("webm"))).toBeNull();
    expect(detectExtendedFormat("slides", head("pptx"))).toBeNull();
    expect(detectExtendedFormat("a.docx", Buffer.from("PK\x03\x04 not really a zip"))).toBeNull();
    expect(detectExtendedFormat("a.doc", Buffer.alloc(600))).toBeNull();
    expect(detectExtendedFormat("a.mov", Buffer.alloc(0))).toBeNull();
  });
});
