import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  flatPresentation,
  flatText,
  pdfPageCount,
  saveWithLibreOffice,
  writeZip,
} from "@learning-hub/testing/media-files";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MediaError, OfficeConverter, type OfficeFormat } from "../../src/media";

const SLIDES = 3;
const PAGES = 2;

let dir: string;
let files: Record<string, string>;

/** Processes whose command line mentions `needle` (e.g. a conversion's work directory). */
async function processesMentioning(needle: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
    if (cmdline.includes(needle)) found.push(Number(entry));
  }
  return found;
}

async function expectMediaError(promise: Promise<unknown>, code: MediaError["code"]): Promise<MediaError> {
  const error = await promise.then(
    () => expect.fail("expected a MediaError"),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(MediaError);
  expect((error as MediaError).code).toBe(code);
  return error as MediaError;
}

/** A stand-in for soffice that only records that it was started: proves a refusal happened before LibreOffice. */
async function recordingSoffice(): Promise<{ path: string; marker: string }> {
  const script = path.join(dir, "recording-soffice.sh");
  const marker = path.join(dir, "soffice-was-started");
  await writeFile(script, `#!/bin/sh\ntouch '${marker}'\nexit 1\n`);
  await chmod(script, 0o755);
  return { path: script, marker };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "office-conversion-test-"));
  files = {
    ...(await saveWithLibreOffice(dir, "deck", flatPresentation(SLIDES), "fodp", ["pptx", "ppt", "odp"])),
    ...(await saveWithLibreOffice(dir, "notes", flatText(PAGES), "fodt", ["docx", "doc", "odt"])),
  };
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("OfficeConverter", () => {
  const converter = new OfficeConverter();

  it.each<[OfficeFormat, number]>([
    ["pptx", SLIDES],
    ["ppt", SLIDES],
    ["odp", SLIDES],
    ["docx", PAGES],
    ["doc", PAGES],
    ["odt", PAGES],
  ])(
    "converts %s to a PDF with one page per slide/page",
    async (format, pages) => {
      const output = path.join(dir, `out-${format}.pdf`);
      await converter.convertToPdf(files[format] as string, format, output);
      expect((await readFile(output)).subarray(0, 5).toString("latin1")).toBe("%PDF-");
      expect(await pdfPageCount(output)).toBe(pages);
    },
    60_000,
  );

  it("refuses a zip bomb named .docx without starting LibreOffice", async () => {
    const bomb = path.join(dir, "bomb.docx");
    // 64 MiB of zeros deflate to ~64 KiB; the limit below stands in for the default 512 MiB.
    await writeFile(
      bomb,
      await writeZip([
        { name: "[Content_Types].xml", data: Buffer.from("<Types/>") },
        { name: "word/document.xml", zeros: 64 * 1024 * 1024 },
      ]),
    );
    const soffice = await recordingSoffice();
    const guarded = new OfficeConverter({
      sofficePath: soffice.path,
      zipLimits: { maxEntries: 100, maxUncompressedBytes: 16 * 1024 * 1024 },
    });
    const started = performance.now();
    const error = await expectMediaError(
      guarded.convertToPdf(bomb, "docx", path.join(dir, "bomb.pdf")),
      "REFUSED_INPUT",
    );
    expect(error.reason).toMatch(/inflates to more than 16777216 bytes/);
    expect(performance.now() - started).toBeLessThan(5_000);
    await expect(stat(soffice.marker)).rejects.toThrow();
  });

  it("refuses a package whose entries inflate to more than they declare", async () => {
    const liar = path.join(dir, "liar.docx");
    await writeFile(liar, await writeZip([{ name: "word/document.xml", zeros: 4 * 1024 * 1024, declaredSize: 1024 }]));
    const soffice = await recordingSoffice();
    const guarded = new OfficeConverter({ sofficePath: soffice.path });
    const error = await expectMediaError(
      guarded.convertToPdf(liar, "docx", path.join(dir, "liar.pdf")),
      "REFUSED_INPUT",
    );
    expect(error.reason).toMatch(/word\/document\.xml.*cannot be inflated/);
    await expect(stat(soffice.marker)).rejects.toThrow();
  });

  it("refuses a package with more entries than allowed, from the central directory alone", async () => {
    const many = path.join(dir, "many.pptx");
    await writeFile(
      many,
      await writeZip(Array.from({ length: 50 }, (_, i) => ({ name: `ppt/part${i}.xml`, data: Buffer.from("x") }))),
    );
    const guarded = new OfficeConverter({ zipLimits: { maxEntries: 20, maxUncompressedBytes: 1024 * 1024 } });
    const error = await expectMediaError(
      guarded.convertToPdf(many, "pptx", path.join(dir, "many.pdf")),
      "REFUSED_INPUT",
    );
    expect(error.reason).toBe("the package has 50 entries, more than the 20 allowed");
  });

  it("refuses a package that declares another format than the one it was accepted as", async () => {
    const error = await expectMediaError(
      converter.convertToPdf(files.pptx as string, "docx", path.join(dir, "x.pdf")),
      "REFUSED_INPUT",
    );
    expect(error.reason).toBe("the package does not declare itself a docx document");
  });

  it("refuses a file that is not a zip at all", async () => {
    const error = await expectMediaError(
      converter.convertToPdf(files.doc as string, "odt", path.join(dir, "y.pdf")),
      "REFUSED_INPUT",
    );
    expect(error.reason).toMatch(/^not a readable zip package/);
  });

  it("fails with LibreOffice's reason when it cannot read the document", async () => {
    const garbage = path.join(dir, "garbage.doc");
    await writeFile(garbage, Buffer.alloc(4096, 7));
    const error = await expectMediaError(
      converter.convertToPdf(garbage, "doc", path.join(dir, "z.pdf")),
      "UNREADABLE_INPUT",
    );
    expect(error.reason).toMatch(/^LibreOffice could not convert the doc file/);
  }, 60_000);

  it("kills every LibreOffice process of a conversion that exceeds its timeout", async () => {
    const workRoot = await mkdtemp(path.join(tmpdir(), "office-timeout-"));
    const slow = new OfficeConverter({ timeoutMs: 4_000, workRoot });
    const conversion = slow.convertToPdf(files.pptx as string, "pptx", path.join(dir, "slow.pdf"));
    conversion.catch(() => undefined);
    // Freeze LibreOffice as soon as it runs, so the conversion cannot finish before its timeout.
    let frozen: number[] = [];
    for (let waited = 0; frozen.length === 0 && waited < 4_000; waited += 10) {
      frozen = await processesMentioning(workRoot);
      for (const pid of frozen) {
        try {
          process.kill(pid, "SIGSTOP");
        } catch {
          // exited between the listing and the signal (the wrapper script hands over to soffice.bin)
        }
      }
      if (frozen.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(frozen.length).toBeGreaterThan(0);
    const error = await expectMediaError(conversion, "TIMEOUT");
    expect(error.reason).toBe("document conversion timed out after 4000 ms");
    expect(await processesMentioning(workRoot)).toEqual([]);
    expect(await readdir(workRoot)).toEqual([]);
    await rm(workRoot, { recursive: true, force: true });
  }, 30_000);
});
