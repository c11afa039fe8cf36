/// <reference lib="dom" />
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { type Browser, launch, type Page } from "puppeteer-core";

export type { Browser, Page };

/** Names Debian and other distributions give the Chromium binary. */
const CHROMIUM_NAMES = ["chromium", "chromium-browser", "google-chrome-stable", "google-chrome"];

/** The first Chromium found on PATH (Debian's `chromium` package installs `/usr/bin/chromium`). */
export function findChromium(path = process.env.PATH ?? ""): string {
  for (const directory of path.split(delimiter).filter(Boolean)) {
    for (const name of CHROMIUM_NAMES) {
      const candidate = join(directory, name);
      if (existsSync(candidate)) return candidate;
    }
  }
  throw new Error(`no Chromium on PATH (looked for ${CHROMIUM_NAMES.join(", ")}); install Debian's chromium package`);
}

/**
 * Headless Chromium driven by puppeteer-core; close it in `afterAll`. A subpath of its own
 * (`@learning-hub/testing/browser`), so test files without a browser never load puppeteer.
 */
export function launchChromium(): Promise<Browser> {
  return launch({
    executablePath: findChromium(),
    headless: true,
    // Tests run as root in CI, where Chromium's sandbox refuses to start; /dev/shm is small in containers.
    args: ["--no-sandbox", "--disable-dev-shm-usage"],
  });
}

/** Waits until the page shows `texts` (rendered text, as a person reads it: hidden elements do not count). */
export async function waitForText(page: Page, texts: string[], timeoutMs = 15_000): Promise<void> {
  await page.waitForFunction(
    // biome-ignore lint/performance/useDomNodeTextContent: what is rendered is the point, not the DOM's text
    (wanted: string[]) => wanted.every((text) => document.body.innerText.includes(text)),
    { timeout: timeoutMs },
    texts,
  );
}
