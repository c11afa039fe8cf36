import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { handoutPdf, lectureCjkPdf } from "./pdfs";
import { blackStartMp4, sample3gp, sample720pMp4, sampleM4a, sampleMkv, sampleMov, sampleWebm } from "./videos";

/** Bump when a recipe changes: the cache folder is named after it, so stale files are never reused. */
const MEDIA_VERSION = 1;

/** Generated once per machine and version, beside the installed packages (ignored by git, removed with them). */
export const TEST_MEDIA_DIR = fileURLToPath(
  new URL(`../../../../node_modules/.cache/learning-hub-media/v${MEDIA_VERSION}/`, import.meta.url),
);

interface Recipe {
  /** The test media file this one is cut from. */
  from?: string;
  /** Writes the file to `target`; `source` is the path of `from`. */
  make(target: string, source: string): Promise<void>;
}

const writeBytes = (bytes: Buffer | Promise<Buffer>) => async (target: string) => writeFile(target, await bytes);
const firstBytes = (count: number) => async (target: string, source: string) =>
  writeFile(target, (await readFile(source)).subarray(0, count));

/** Every media file the tests use, and how it is made (see each recipe for what it shows). */
const RECIPES = {
  "sample-720p.mp4": { make: sample720pMp4 },
  "sample.webm": { make: sampleWebm },
  "black-start.mp4": { make: blackStartMp4 },
  // The file header and the start of the movie index, cut before the media data: accepted as an mp4 by
  // its header, undecodable.
  "truncated.mp4": { from: "sample-720p.mp4", make: firstBytes(1000) },
  "not-a-video.mp4": { make: writeBytes(Buffer.from("this is plain text pretending to be a video\n")) },
  "sample-audio.m4a": { make: sampleM4a },
  "sample.mov": { make: sampleMov },
  "sample.mkv": { make: sampleMkv },
  "sample.3gp": { make: sample3gp },
  "lecture-cjk.pdf": { make: async (target) => writeFile(target, lectureCjkPdf()) },
  "handout-5-pages.pdf": { make: async (target) => writeFile(target, await handoutPdf()) },
  // A valid `%PDF-` header and the first page's content, without the document catalogue or the
  // cross-reference table: accepted as a PDF by its header, unreadable.
  "corrupt-truncated.pdf": { from: "handout-5-pages.pdf", make: firstBytes(3000) },
} satisfies Record<string, Recipe>;

export type TestMediaName = keyof typeof RECIPES;
export const TEST_MEDIA_NAMES = Object.keys(RECIPES) as TestMediaName[];

function isTestMediaName(name: string): name is TestMediaName {
  return Object.hasOwn(RECIPES, name);
}

/**
 * Makes every test media file that is not in the cache yet. Safe when several processes run it at
 * once: each writes a temporary file and renames it into place, so a reader sees a whole file or none.
 */
export async function ensureTestMedia(): Promise<string> {
  await mkdir(TEST_MEDIA_DIR, { recursive: true });
  const made = new Map<TestMediaName, Promise<string>>();
  const ensure = (name: TestMediaName): Promise<string> => {
    let promise = made.get(name);
    if (promise === undefined) {
      promise = make(name, ensure);
      made.set(name, promise);
    }
    return promise;
  };
  await Promise.all(TEST_MEDIA_NAMES.map(ensure));
  return TEST_MEDIA_DIR;
}

async function make(name: TestMediaName, ensure: (name: TestMediaName) => Promise<string>): Promise<string> {
  const path = join(TEST_MEDIA_DIR, name);
  if (existsSync(path)) return path;
  const recipe: Recipe = RECIPES[name];
  const from = recipe.from;
  if (from !== undefined && !isTestMediaName(from)) throw new Error(`${name} is cut from unknown media ${from}`);
  const source = from === undefined ? "" : await ensure(from);
  // Same extension as the target: ffmpeg picks the container from it.
  const temporary = join(TEST_MEDIA_DIR, `.tmp-${process.pid}-${randomBytes(4).toString("hex")}-${name}`);
  try {
    await recipe.make(temporary, source);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new Error(`could not generate the test media file ${name}: ${(error as Error).message}`, { cause: error });
  }
  return path;
}

/**
 * Where a test media file is. The test run's global setup generates them (`ensureTestMedia`) before
 * any test file runs; scripts outside vitest (benchmarks) call `ensureTestMedia` first.
 */
export function testMediaPath(name: string): string {
  if (!isTestMediaName(name)) throw new Error(`no test media file is called ${name}`);
  const path = join(TEST_MEDIA_DIR, name);
  if (!existsSync(path)) throw new Error(`${name} has not been generated: run ensureTestMedia() first`);
  return path;
}
