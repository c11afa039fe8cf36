import { copyFile, mkdir, mkdtemp, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { startDeadline } from "./deadline";
import { asMediaError, MediaError } from "./media-error";
import { isZipPackage, LIBREOFFICE_IMPORT_FILTERS, type OfficeFormat } from "./office-formats";
import { DEFAULT_ZIP_LIMITS, inspectOfficePackage, type ZipLimits } from "./office-package";
import { runProcessGroup } from "./process-group";
import { Semaphore } from "./semaphore";

export interface OfficeConverterOptions {
  /** The LibreOffice executable. Default `soffice` (on PATH). */
  sofficePath?: string;
  /** Budget for one conversion, zip checks included; on expiry the whole LibreOffice process group is killed. */
  timeoutMs?: number;
  /** Conversions running at once in this process; each LibreOffice takes a CPU and a few hundred MiB. Default 1. */
  maxConcurrent?: number;
  /** `nice` level of LibreOffice, so it yields the CPU to thumbnails on the same machine. Default 10. */
  niceness?: number;
  zipLimits?: ZipLimits;
  /** Where each conversion's temporary directory (profile, output) is made. Default the OS temp directory. */
  workRoot?: string;
}

export interface ConvertOptions {
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 120_000;
const DEFAULT_NICENESS = 10;

/**
 * Settings of every conversion's fresh profile: macros never run (highest security level, execution
 * disabled), and documents may not make LibreOffice fetch linked URLs. LibreOffice 7.4's `--convert-to` ran no
 * document macro even with these lowered (tried by hand); they keep macros off should the loading change.
 * `test/media/office-macros.test.ts` checks it with a document whose open-event macro writes a file.
 */
const PROFILE_SETTINGS = `<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
</oor:items>
`;

function lastLines(text: string, count: number): string {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("Warning: failed to launch javaldx"))
    .slice(-count)
    .join("; ");
}

/**
 * Converts office documents to PDF with LibreOffice headless, one short-lived LibreOffice per conversion: a
 * private profile directory each time (no state or lock shared between conversions), the import filter of the
 * accepted format, zip packages checked for bombs first, a timeout that kills the whole process group, and
 * at most `maxConcurrent` conversions at once. One instance per worker process.
 */
export class OfficeConverter {
  readonly #sofficePath: string;
  readonly #timeoutMs: number;
  readonly #niceness: number;
  readonly #zipLimits: ZipLimits;
  readonly #slots: Semaphore;
  readonly #workRoot: string;

  constructor(options: OfficeConverterOptions = {}) {
    this.#sofficePath = options.sofficePath ?? "soffice";
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#niceness = options.niceness ?? DEFAULT_NICENESS;
    this.#zipLimits = options.zipLimits ?? DEFAULT_ZIP_LIMITS;
    this.#slots = new Semaphore(options.maxConcurrent ?? 1);
    this.#workRoot = options.workRoot ?? tmpdir();
  }

  /**
   * Writes `inputPath` (a file of `format`) as a PDF to `outputPath`. Throws MediaError: `REFUSED_INPUT` for a
   * zip bomb or a package that declares another type, `UNREADABLE_INPUT` when LibreOffice cannot convert it,
   * `TIMEOUT`/`ABORTED` (nothing left running either way).
   */
  async convertToPdf(inputPath: string, format: OfficeFormat, outputPath: string, options: ConvertOptions = {}) {
    return this.#slots.run(() => this.#convert(inputPath, format, outputPath, options));
  }

  async #convert(inputPath: string, format: OfficeFormat, outputPath: string, options: ConvertOptions): Promise<void> {
    const deadline = startDeadline(this.#timeoutMs, "document conversion", options.signal);
    const workDir = await mkdtemp(path.join(this.#workRoot, "office-conversion-"));
    try {
      if (isZipPackage(format)) {
        const found = await inspectOfficePackage(inputPath, this.#zipLimits);
        if (found.format !== format) {
          throw new MediaError("REFUSED_INPUT", `the package does not declare itself a ${format} document`);
        }
      }
      deadline.throwIfAborted();
      const profileDir = path.join(workDir, "profile");
      const outDir = path.join(workDir, "out");
      await mkdir(path.join(profileDir, "user"), { recursive: true });
      await mkdir(outDir);
      await writeFile(path.join(profileDir, "user", "registrymodifications.xcu"), PROFILE_SETTINGS);
      // A name of our own: LibreOffice names the output after the input, and the input's name is the user's.
      const sourcePath = path.join(workDir, `source.${format}`);
      await symlink(path.resolve(inputPath), sourcePath);
      const { exitCode, stderr } = await runProcessGroup(
        this.#sofficePath,
        [
          `-env:UserInstallation=${pathToFileURL(profileDir).href}`,
          ...["--headless", "--norestore", "--nolockcheck", "--nodefault", "--nologo"],
          `--infilter=${LIBREOFFICE_IMPORT_FILTERS[format]}`,
          ...["--convert-to", "pdf", "--outdir", outDir, sourcePath],
        ],
        { signal: deadline.signal, niceness: this.#niceness },
      );
      const pdfPath = path.join(outDir, "source.pdf");
      const written = await stat(pdfPath).catch(() => null);
      if (exitCode !== 0 || !written || written.size === 0) {
        const detail = lastLines(stderr, 3) || `exit code ${exitCode}`;
        throw new MediaError("UNREADABLE_INPUT", `LibreOffice could not convert the ${format} file: ${detail}`);
      }
      await copyFile(pdfPath, outputPath);
    } catch (error) {
      throw asMediaError(error, "document conversion failed");
    } finally {
      deadline.dispose();
      await rm(workDir, { recursive: true, force: true });
    }
  }
}
