/**
 * Media benchmark (issue 15). From one run it prints, each against a baseline measured in the same run, rounds
 * of the two variants alternating so background load hits both alike:
 *   1. document conversion: `OfficeConverter.convertToPdf` (zip checks, fresh private profile, forced filter,
 *      process group) of a generated 20-page docx / a one-shot `soffice --headless --convert-to pdf` of the
 *      same file (its own profile directory, kept between runs as a user's would be);
 *   2. page previews of a 50-page PDF (LibreOffice-written, text on every page): `renderPdfAssets` (thumbnail +
 *      all 50 previews read back one at a time, pdfjs page count; two pdftoppm runs side by side) /
 *      `pdftoppm -jpeg -scale-to-x 320 -scale-to-y -1` of all pages; then, to choose how the thumbnail is made,
 *      pdftoppm alone: 2b its page-1 run beside the all-pages run / after it, 2c one run of all pages at the
 *      thumbnail's 480 px (the thumbnail from the same run; previews would still need scaling) / at 320 px;
 *   3. first-page thumbnail of the same PDF: `renderPdfThumbnail` / `pdftoppm -jpeg -f 1 -l 1 -scale-to-x 480`;
 *   4. transcode of a generated 720p 20 s MPEG-4 Part 2 mkv to H.264/AAC: `prepareVideo` (ffprobe, layout
 *      check, nice'd ffmpeg with -progress) / the same ffmpeg command run alone.
 *
 *   pnpm tsx bench/media/run.ts [--rounds 5] [--parts 1234]
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs, promisify } from "node:util";
import {
  locateFfmpeg,
  OfficeConverter,
  prepareVideo,
  renderPdfAssets,
  renderPdfThumbnail,
} from "../../apps/worker/src/media";
import { flatText, generateVideo, saveWithLibreOffice } from "../../packages/testing/src/media-files";

const execFileAsync = promisify(execFile);
const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "5" },
    parts: { type: "string", default: "1234" },
  },
});
const ROUNDS = Number(values.rounds);
const PARTS = values.parts ?? "1234";
const out = (line = "") => process.stdout.write(`${line}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function timed(action: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await action();
  return performance.now() - started;
}

/** Runs both variants `ROUNDS` times, alternating (after one unmeasured warm-up each), and prints medians. */
async function compare(label: string, goal: string, ours: () => Promise<unknown>, baseline: () => Promise<unknown>) {
  await ours();
  await baseline();
  const a: number[] = [];
  const b: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    a.push(await timed(ours));
    b.push(await timed(baseline));
  }
  const ratio = median(a) / median(b);
  out(
    `${label}: ours ${median(a).toFixed(0)} ms / baseline ${median(b).toFixed(0)} ms = ${ratio.toFixed(2)} (goal ${goal})`,
  );
}

/** A text page's worth of paragraphs, so each page has real glyphs to convert and render. */
function denseText(pages: number): string {
  const sentence = "The quick brown fox jumps over the lazy dog while the lecturer explains entropy. ";
  const paragraph = sentence.repeat(8);
  return flatText(pages).replace(/>Page (\d+)</g, (_, page) => `>Page ${page}. ${paragraph}${paragraph}${paragraph}<`);
}

const dir = await mkdtemp(path.join(tmpdir(), "bench-media-"));
try {
  out(
    `bench/media: ${ROUNDS} rounds per variant, medians; load average at start ${(await readFile("/proc/loadavg", "utf8")).split(" ").slice(0, 3).join(" ")}`,
  );
  const documents = await saveWithLibreOffice(dir, "lecture", denseText(20), "fodt", ["docx"]);
  const fiftyPages = await saveWithLibreOffice(dir, "fifty", denseText(50), "fodt", ["pdf"]);
  const pdfPath = fiftyPages.pdf as string;
  const pdfBytes = await readFile(pdfPath);

  if (PARTS.includes("1")) {
    const converter = new OfficeConverter({ niceness: 0 });
    const cliProfile = pathToFileURL(path.join(dir, "cli-profile")).href;
    await compare(
      "1 conversion of a 20-page docx",
      "<= 1.1",
      () => converter.convertToPdf(documents.docx as string, "docx", path.join(dir, "ours.pdf")),
      () =>
        execFileAsync("soffice", [
          `-env:UserInstallation=${cliProfile}`,
          ...["--headless", "--convert-to", "pdf", "--outdir", path.join(dir, "cli"), documents.docx as string],
        ]),
    );
  }
  if (PARTS.includes("2")) {
    const allPages = (width: number, prefix: string) =>
      execFileAsync("pdftoppm", ["-jpeg", "-scale-to-x", String(width), "-scale-to-y", "-1", pdfPath, prefix]);
    const firstPage = () =>
      execFileAsync("pdftoppm", [
        ...["-jpeg", "-f", "1", "-l", "1", "-singlefile", "-scale-to-x", "480", "-scale-to-y", "-1", pdfPath],
        path.join(dir, "poppler-first"),
      ]);
    await compare(
      "2 thumbnail + previews of all 50 pages",
      "<= 1.5",
      () => renderPdfAssets(pdfBytes, { previews: { onPreview: async () => undefined } }),
      () => allPages(320, path.join(dir, "poppler-page")),
    );
    await compare(
      "2b pdftoppm: page-1 run beside the all-pages run / after it",
      "< 1 for side by side",
      () => Promise.all([firstPage(), allPages(320, path.join(dir, "poppler-page"))]),
      async () => {
        await firstPage();
        await allPages(320, path.join(dir, "poppler-page"));
      },
    );
    await compare(
      "2c pdftoppm: all pages at 480 px (thumbnail from the same run) / at 320 px",
      "informative",
      () => allPages(480, path.join(dir, "poppler-480")),
      () => allPages(320, path.join(dir, "poppler-page")),
    );
  }
  if (PARTS.includes("3")) {
    await compare(
      "3 first-page thumbnail (480 px)",
      "<= 1.5",
      () => renderPdfThumbnail(pdfBytes),
      () =>
        execFileAsync("pdftoppm", [
          ...["-jpeg", "-f", "1", "-l", "1", "-scale-to-x", "480", "-scale-to-y", "-1", pdfPath],
          path.join(dir, "poppler-thumb"),
        ]),
    );
  }
  if (PARTS.includes("4")) {
    const video = path.join(dir, "talk.mkv");
    await generateVideo(video, {
      seconds: 20,
      size: "1280x720",
      codecArgs: ["-c:v", "mpeg4", "-q:v", "4", "-c:a", "libopus"],
    });
    const binaries = locateFfmpeg();
    const output = path.join(dir, "ours.mp4");
    // What prepareVideo runs for this file (see media/video-preparation.ts), without nice, probe or progress.
    const alone = [
      ...["-nostdin", "-hide_banner", "-v", "error", "-y", "-i", video],
      ...["-map", "0:v:0", "-map", "0:a:0?", "-sn", "-dn", "-vf", "scale=w=1280:h=720,setsar=1", "-pix_fmt", "yuv420p"],
      ...["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-profile:v", "high"],
      ...[
        "-c:a",
        "aac",
        "-b:a",
        "128k",
        "-ac",
        "2",
        "-movflags",
        "+faststart",
        "-f",
        "mp4",
        path.join(dir, "alone.mp4"),
      ],
    ];
    await compare(
      "4 transcode 720p 20 s mpeg4/opus mkv to H.264/AAC",
      "<= 1.05",
      () => prepareVideo(video, "mkv", output, { binaries, niceness: 0 }),
      () => execFileAsync(binaries.ffmpegPath, alone),
    );
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
