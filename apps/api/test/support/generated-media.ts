import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

const VIDEO = ["-f", "lavfi", "-i", "testsrc=size=64x48:rate=10", "-t", "1"];
const AUDIO = ["-f", "lavfi", "-i", "sine=frequency=440", "-t", "1"];
const H264 = ["-c:v", "libx264", "-pix_fmt", "yuv420p"];

/** ffmpeg arguments (between the inputs and the output file) per kind of generated media. */
const RECIPES = {
  /** H.264 in an `isom` MP4: what browsers and phones upload. */
  mp4: { file: "video.mp4", args: [...VIDEO, ...H264] },
  webm: { file: "video.webm", args: [...VIDEO, "-c:v", "libvpx", "-b:v", "100k"] },
  /** AAC in an MP4 container with the `M4A ` brand: audio, not a video. */
  m4a: { file: "audio.m4a", args: [...AUDIO, "-c:a", "aac"] },
  /** A QuickTime movie (`qt  ` brand). */
  mov: { file: "movie.mov", args: [...VIDEO, ...H264] },
  /** Matroska that is not WebM. */
  mkv: { file: "video.mkv", args: [...VIDEO, ...H264] },
  /** 3GPP (`3gp4` brand). */
  "3gp": { file: "video.3gp", args: [...VIDEO, "-c:v", "mpeg4"] },
} as const;

export type GeneratedMediaKind = keyof typeof RECIPES;

let directory: string | undefined;
const generated = new Map<GeneratedMediaKind, Promise<Buffer>>();

/** A small file of the kind, made by ffmpeg once per test process. */
export function generatedMedia(kind: GeneratedMediaKind): Promise<Buffer> {
  let media = generated.get(kind);
  if (!media) {
    directory ??= mkdtempSync(path.join(tmpdir(), "lh-media-"));
    const output = path.join(directory, RECIPES[kind].file);
    media = run("ffmpeg", ["-v", "error", "-y", ...RECIPES[kind].args, output]).then(() => readFileSync(output));
    generated.set(kind, media);
  }
  return media;
}

/** A minimal well-formed one-page PDF, written by hand (cross-reference offsets computed). */
export function minimalPdf(text = "Hello"): Buffer {
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${`BT /F1 12 Tf 20 50 Td (${text}) Tj ET`.length} >>\nstream\nBT /F1 12 Tf 20 50 Td (${text}) Tj ET\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let body = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(Buffer.byteLength(body));
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body);
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, "0")} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, "latin1");
}
