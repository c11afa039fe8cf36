import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { TEST_MEDIA_DIR, TEST_MEDIA_NAMES, testMediaPath } from "../src/media";

const execFileAsync = promisify(execFile);

interface Probe {
  streams: { codec_type: string; codec_name: string; width?: number; height?: number }[];
  format: { duration: string; format_name: string };
}

async function probe(name: string): Promise<Probe> {
  const { stdout } = await execFileAsync("ffprobe", [
    ...["-v", "error", "-print_format", "json", "-show_streams", "-show_format"],
    testMediaPath(name),
  ]);
  return JSON.parse(stdout) as Probe;
}

const codecs = (result: Probe) => result.streams.map((stream) => `${stream.codec_type}:${stream.codec_name}`);
const videoSize = (result: Probe) => {
  const video = result.streams.find((stream) => stream.codec_type === "video");
  return [video?.width, video?.height];
};

/** Top-level MP4/QuickTime boxes in file order. */
function boxes(data: Buffer): string[] {
  const names: string[] = [];
  for (let offset = 0; offset + 8 <= data.length; ) {
    const size = data.readUInt32BE(offset);
    names.push(data.toString("latin1", offset + 4, offset + 8));
    if (size < 8) break;
    offset += size;
  }
  return names;
}

// The global setup has generated every file; these check that each still shows what the tests rely on.
describe("test media", () => {
  it("are all in the cache folder, with no temporary file left behind", async () => {
    const files = await readdir(TEST_MEDIA_DIR);
    expect(files.filter((file) => file.startsWith(".tmp-"))).toEqual([]);
    for (const name of TEST_MEDIA_NAMES) expect(files).toContain(name);
    expect(() => testMediaPath("missing.mp4")).toThrow(/no test media file is called missing\.mp4/);
  });

  it("sample-720p.mp4: 4 s of H.264 + AAC at 1280x720, movie index first (faststart)", async () => {
    const result = await probe("sample-720p.mp4");
    expect(codecs(result).sort()).toEqual(["audio:aac", "video:h264"]);
    expect(videoSize(result)).toEqual([1280, 720]);
    expect(Number(result.format.duration)).toBeCloseTo(4, 0);
    const order = boxes(await readFile(testMediaPath("sample-720p.mp4")));
    expect(order.indexOf("moov")).toBeLessThan(order.indexOf("mdat"));
  });

  it("sample.webm: 3 s of VP9 + Opus at 640x360", async () => {
    const result = await probe("sample.webm");
    expect(result.format.format_name).toContain("webm");
    expect(codecs(result).sort()).toEqual(["audio:opus", "video:vp9"]);
    expect(videoSize(result)).toEqual([640, 360]);
    expect(Number(result.format.duration)).toBeCloseTo(3, 0);
  });

  it("black-start.mp4: 5 s of H.264 at 640x360 (2 s black, then the pattern)", async () => {
    const result = await probe("black-start.mp4");
    expect(codecs(result)).toEqual(["video:h264"]);
    expect(videoSize(result)).toEqual([640, 360]);
    expect(Number(result.format.duration)).toBeCloseTo(5, 0);
  });

  it("truncated.mp4 and corrupt-truncated.pdf are the first bytes of their sources", async () => {
    const video = await readFile(testMediaPath("sample-720p.mp4"));
    expect((await readFile(testMediaPath("truncated.mp4"))).equals(video.subarray(0, 1000))).toBe(true);
    const pdf = await readFile(testMediaPath("handout-5-pages.pdf"));
    expect((await readFile(testMediaPath("corrupt-truncated.pdf"))).equals(pdf.subarray(0, 3000))).toBe(true);
    expect(pdf.length).toBeGreaterThan(3000);
  });

  it("not-a-video.mp4 is plain text", async () => {
    expect((await readFile(testMediaPath("not-a-video.mp4"), "utf8")).trim()).toMatch(/^[\x20-\x7e]+$/);
  });

  it("sample-audio.m4a: AAC audio only, in an M4A container", async () => {
    const result = await probe("sample-audio.m4a");
    expect(codecs(result)).toEqual(["audio:aac"]);
    expect((await readFile(testMediaPath("sample-audio.m4a"))).toString("latin1", 8, 12)).toBe("M4A ");
  });

  it("sample.mov: H.264 + AAC in a QuickTime container", async () => {
    const result = await probe("sample.mov");
    expect(codecs(result).sort()).toEqual(["audio:aac", "video:h264"]);
    expect((await readFile(testMediaPath("sample.mov"))).toString("latin1", 8, 12)).toBe("qt  ");
  });

  it("lecture-cjk.pdf: 3 landscape pages whose CJK font STSong-Light is named, not embedded", async () => {
    const { stdout: info } = await execFileAsync("pdfinfo", [testMediaPath("lecture-cjk.pdf")]);
    expect(info).toMatch(/^Pages:\s+3$/m);
    expect(info).toMatch(/^Page size:\s+841\.89 x 595\.276 pts/m);
    const { stdout: fonts } = await execFileAsync("pdffonts", [testMediaPath("lecture-cjk.pdf")]);
    expect(fonts).toMatch(/^STSong-Light\s+CID Type 0\s+UniGB-UCS2-H\s+no\s/m);
  });

  it("handout-5-pages.pdf: 5 portrait A4 pages with an embedded font", async () => {
    const { stdout: info } = await execFileAsync("pdfinfo", [testMediaPath("handout-5-pages.pdf")]);
    expect(info).toMatch(/^Pages:\s+5$/m);
    expect(info).toMatch(/^Page size:\s+595\.28 x 841\.89 pts/m);
    const { stdout: fonts } = await execFileAsync("pdffonts", [testMediaPath("handout-5-pages.pdf")]);
    expect(fonts).toMatch(/DejaVuSans\s+CID TrueType\s+Identity-H\s+yes\s+yes/);
  });
});
