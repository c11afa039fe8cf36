import { execFile } from "node:child_process";
import { createReadStream, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { DecodedImage } from "../../src/media";

export const execFileAsync = promisify(execFile);

/** /work/main/apps/worker/test/media -> /work/shared/fixtures */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../../../../../shared/fixtures/${name}`, import.meta.url));
}

export function luma(image: DecodedImage, x: number, y: number): number {
  const offset = (y * image.width + x) * 4;
  const p = image.pixels;
  return 0.299 * (p[offset] ?? 0) + 0.587 * (p[offset + 1] ?? 0) + 0.114 * (p[offset + 2] ?? 0);
}

export interface Region {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export function wholeImage(image: DecodedImage): Region {
  return { left: 0, top: 0, right: image.width, bottom: image.height };
}

export function meanLuma(image: DecodedImage, region: Region = wholeImage(image)): number {
  let sum = 0;
  for (let y = region.top; y < region.bottom; y++)
    for (let x = region.left; x < region.right; x++) sum += luma(image, x, y);
  return sum / ((region.right - region.left) * (region.bottom - region.top));
}

/** Pixels in `region` whose luma passes `test` (e.g. dark ink on white, or white text on a coloured bar). */
export function countPixels(image: DecodedImage, region: Region, test: (value: number) => boolean): number {
  let count = 0;
  for (let y = region.top; y < region.bottom; y++)
    for (let x = region.left; x < region.right; x++) {
      if (test(luma(image, x, y))) count++;
    }
  return count;
}

/**
 * Serves files from the fixtures directory like an object store would: byte ranges (ffmpeg seeks with them),
 * 404 for missing files, and `/hang/...` which never answers (for timeout/abort tests). Query strings are
 * ignored, as a presigned URL's signature would be.
 */
export async function startFixtureServer(): Promise<{ baseUrl: string; close: () => Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const pathname = new URL(request.url ?? "/", "http://localhost").pathname;
    if (pathname.startsWith("/hang/")) return; // never respond
    const name = decodeURIComponent(pathname.slice(1));
    let size: number;
    try {
      if (name.includes("/")) throw new Error("no nested paths");
      size = statSync(fixturePath(name)).size;
    } catch {
      response.writeHead(404).end("not found");
      return;
    }
    const range = /^bytes=(\d*)-(\d*)$/.exec(request.headers.range ?? "");
    const start = range?.[1] ? Number(range[1]) : 0;
    const end = range?.[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
    const headers = { "content-type": "application/octet-stream", "accept-ranges": "bytes" };
    if (range) {
      response.writeHead(206, {
        ...headers,
        "content-length": end - start + 1,
        "content-range": `bytes ${start}-${end}/${size}`,
      });
    } else {
      response.writeHead(200, { ...headers, "content-length": size });
    }
    if (request.method === "HEAD") return response.end();
    createReadStream(fixturePath(name), { start, end }).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
