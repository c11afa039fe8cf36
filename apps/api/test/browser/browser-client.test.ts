import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { writePdf } from "@learning-hub/testing";
import puppeteer, { type Browser } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app";
import { fixture } from "../support/multipart";
import { type InProcessWorker, startWorker } from "../support/worker";

/*
 * A real browser (the machine's Chromium, headless) runs a web app served
 * from another origin than the API and the object store: CORS preflights,
 * exposed headers, FormData uploads, DELETE, images and video from the bucket.
 */

const PAGE = readFileSync(new URL("./browser-page.html", import.meta.url));

/** Serves the page and the media it uploads, from its own origin. */
async function startPageServer(media: Record<string, Buffer>): Promise<{ server: Server; origin: string }> {
  const server = createServer((request, response) => {
    const body = request.url === "/" ? PAGE : media[request.url ?? ""];
    if (!body) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "content-type": request.url === "/" ? "text/html" : "application/octet-stream" });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, origin: `http://localhost:${(server.address() as AddressInfo).port}` };
}

const chromiumPath = (): string => execFileSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" }).trim();

describe("a browser app on another origin", () => {
  let page: { server: Server; origin: string };
  let t: TestApp;
  let worker: InProcessWorker;
  let browser: Browser;
  let api: string;

  beforeAll(async () => {
    page = await startPageServer({
      "/media/notes.pdf": writePdf([["Hello"]]),
      "/media/lecture.mp4": fixture("sample-720p.mp4"),
    });
    t = await createTestApp({ env: { CORS_ORIGINS: page.origin } });
    worker = await startWorker(t, { queues: ["thumbnails"], reconcile: false });
    api = await t.app.listen({ host: "127.0.0.1", port: 0 });
    browser = await puppeteer.launch({
      executablePath: chromiumPath(),
      headless: true,
      // Root in CI containers; the page and servers are the test's own.
      args: ["--no-sandbox", "--autoplay-policy=no-user-gesture-required"],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await worker?.close();
    await t?.close();
    await new Promise((resolve) => page?.server.close(resolve));
  });

  it("registers, uploads a PDF and an mp4, shows them, reads a byte range, deletes both and logs out", async () => {
    const tab = await browser.newPage();
    const failures: string[] = [];
    tab.on("pageerror", (error) => failures.push(String(error)));
    await tab.goto(`${page.origin}/`);
    const steps = await tab.evaluate(
      (config) =>
        // biome-ignore lint/suspicious/noExplicitAny: each step is whatever JSON the page script saw; the assertions below check its shape
        (globalThis as unknown as { runFlow(c: typeof config): Promise<Record<string, any>> }).runFlow(config),
      {
        api,
        storage: t.env.config.storage.publicUrl,
        email: `browser-${randomUUID()}@example.com`,
        password: "a browser's long passphrase",
      },
    );
    expect(failures).toEqual([]);

    expect(steps.register.status).toBe(201);
    expect(steps.register.requestId).toBeTruthy();
    expect(steps.login.status).toBe(200);
    expect(steps.uploadPdf).toMatchObject({ status: 201, body: { type: "pdf" } });
    expect(steps.uploadPdf.location).toBe(`/api/v1/materials/${steps.uploadPdf.body.id}`);
    expect(steps.uploadVideo).toMatchObject({ status: 201, body: { type: "video", file_format: "mp4" } });
    expect(steps.status).toMatchObject({ status: 200, body: { status: "active" } });
    expect(steps.pdfThumbnail.body).toMatchObject({ thumbnail_status: "completed", has_thumbnail: true });
    expect(steps.videoThumbnail.body).toMatchObject({ thumbnail_status: "completed", has_thumbnail: true });
    const listed = steps.list.body.items.map((item: { id: number }) => item.id);
    expect(listed).toEqual(expect.arrayContaining([steps.uploadPdf.body.id, steps.uploadVideo.body.id]));
    expect(steps.like).toMatchObject({ status: 200, body: { is_liked: true, like_count: 1 } });
    expect(steps.image.naturalWidth).toBeGreaterThan(0);
    expect(steps.video.videoWidth).toBe(1280);
    expect(steps.video.duration).toBeGreaterThan(0);
    expect(steps.range).toMatchObject({ status: 206, text: "%PDF-1.4" });
    expect(steps.range.contentRange).toMatch(/^bytes 0-7\/\d+$/);
    expect(steps.deleteMaterial.status).toBe(204);
    expect(steps.deleteUpload.status).toBe(204);
    expect(steps.listAfter.body.items.map((item: { id: number }) => item.id)).not.toEqual(
      expect.arrayContaining([steps.uploadPdf.body.id]),
    );
    expect(steps.logout.status).toBe(200);
    expect(steps.afterLogout).toMatchObject({ status: 401, body: { error: { code: "INVALID_TOKEN" } } });
  }, 120_000);
});
