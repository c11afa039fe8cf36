import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { writePdf } from "@learning-hub/testing";

/** A lecture: Chinese on page 3, English on page 5, page 4 a picture only, markup in the text of page 5. */
export const lecturePdf = (): Buffer =>
  writePdf([
    ["Optimisation, lecture 4"],
    ["Outline: methods and proofs"],
    ["Gradient methods", "梯度下降法的收敛条件"],
    null,
    ["stochastic gradient descent", "<script>alert(1)</script> is not run"],
  ]);

/** Like lecture-cjk.pdf: Chinese only, in STSong-Light, a font the PDF does not embed. */
export const cjkLecturePdf = (): Buffer => writePdf([["机器学习导论", "第一讲：神经网络与反向传播"]]);

export const algorithmsPdf = (): Buffer => writePdf([["Sorting and searching"]]);

/** A scan: pages without any text. */
export const scannedPdf = (): Buffer => writePdf([null, null]);

/** A one-second MP4 made by ffmpeg. */
export async function tinyMp4(): Promise<Buffer> {
  const directory = await mkdtemp(path.join(tmpdir(), "lh-search-"));
  const output = path.join(directory, "clip.mp4");
  try {
    await promisify(execFile)("ffmpeg", [
      ...["-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "testsrc=size=160x90:rate=10:duration=1"],
      ...["-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags", "+faststart", output],
    ]);
    return await readFile(output);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

export const convexityPdf = (): Buffer => writePdf([["Convexity: a set is convex when it holds every segment"]]);
