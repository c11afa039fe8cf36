import { MediaError } from "./media-error";
import { runProcessGroup } from "./process-group";

export interface RasterRun {
  /** The pdftoppm executable (Debian `poppler-utils`). */
  pdftoppmPath: string;
  pdfPath: string;
  /** pdftoppm names its files `<prefix>-<page>.jpg` (page zero-padded), or `<prefix>.jpg` with `singleFile`. */
  outputPrefix: string;
  /** 1-based, inclusive; pdftoppm stops at the document's last page. */
  firstPage: number;
  lastPage: number;
  /** Every page is scaled to exactly this width; the height follows, capped at `maxHeight` (its top part). */
  width: number;
  maxHeight: number;
  /** JPEG quality 1..100. */
  quality: number;
  singleFile?: boolean;
  /** Aborting kills pdftoppm; the promise then rejects with the signal's reason. */
  signal: AbortSignal;
}

/** pdftoppm's exit code for "error opening an output file": ours, not the PDF's. */
const OUTPUT_FILE_ERROR = 2;

function lastLines(text: string, count: number): string {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .slice(-count)
    .join("; ");
}

/**
 * Rasterises pages of a PDF to JPEG files with poppler's pdftoppm: an argument list (no shell), its own process
 * group killed when `signal` aborts, stderr kept for the failure reason. Poppler finds substitutes for fonts a
 * PDF does not embed (CJK ones included) through fontconfig. Throws MediaError: UNREADABLE_INPUT when pdftoppm
 * cannot read or render the PDF, INTERNAL when it could not run or write its output.
 */
export async function runPdftoppm(run: RasterRun): Promise<void> {
  const args = [
    ...["-jpeg", "-jpegopt", `quality=${run.quality}`],
    ...["-f", String(run.firstPage), "-l", String(run.lastPage)],
    ...["-scale-to-x", String(run.width), "-scale-to-y", "-1"],
    // A crop box from the top left: exactly `width` wide whatever pdftoppm's rounding, and tall pages (receipts,
    // posters, broken MediaBoxes) cut to their top part instead of rendered whole.
    ...["-W", String(run.width), "-H", String(run.maxHeight)],
    ...(run.singleFile ? ["-singlefile"] : []),
    run.pdfPath,
    run.outputPrefix,
  ];
  const { exitCode, stderr } = await runProcessGroup(run.pdftoppmPath, args, { signal: run.signal });
  if (exitCode === 0) return;
  const detail = lastLines(stderr, 3) || (exitCode === null ? "stopped by a signal" : `exit code ${exitCode}`);
  throw new MediaError(
    exitCode === OUTPUT_FILE_ERROR ? "INTERNAL" : "UNREADABLE_INPUT",
    `pdftoppm could not render the PDF: ${detail}`,
  );
}

const VERSION_TIMEOUT_MS = 10_000;

/** `pdftoppm -v`'s first line (e.g. "pdftoppm version 22.12.0"), to check at start-up that it can be run. */
export async function pdftoppmVersion(pdftoppmPath = "pdftoppm"): Promise<string> {
  const { exitCode, stderr } = await runProcessGroup(pdftoppmPath, ["-v"], {
    signal: AbortSignal.timeout(VERSION_TIMEOUT_MS),
  });
  const version = stderr.split("\n")[0]?.trim() ?? "";
  if (exitCode !== 0 || version === "") {
    throw new MediaError("INTERNAL", `${pdftoppmPath} -v failed: ${lastLines(stderr, 3) || `exit code ${exitCode}`}`);
  }
  return version;
}
