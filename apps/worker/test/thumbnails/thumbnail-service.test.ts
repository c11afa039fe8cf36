import { MaterialsRepository } from "@learning-hub/db/repositories/materials";
import { ThumbnailsRepository } from "@learning-hub/db/repositories/thumbnails";
import { createStorage } from "@learning-hub/storage";
import type { TcpProxy } from "@learning-hub/testing";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { decodeImage } from "../../src/media";
import { ensurePlaceholders } from "../../src/services/placeholders";
import { type ThumbnailAttempt, ThumbnailService } from "../../src/services/thumbnail-service";
import { fixturePath } from "../media/helpers";
import { throttledProxy } from "../support/throttled-proxy";
import { createMaterial, createWorkerHarness, readMaterial, type WorkerHarness } from "../support/worker-harness";

let harness: WorkerHarness;
let proxy: TcpProxy;
const attempt = (isFinalAttempt = false): ThumbnailAttempt => ({
  logger: pino({ level: "silent" }),
  signal: new AbortController().signal,
  isFinalAttempt,
});

function service(storage = harness.env.storage): ThumbnailService {
  return new ThumbnailService({
    repository: new ThumbnailsRepository(harness.env.database.db),
    storage,
    ffmpeg: harness.deps.ffmpeg,
    jobTimeoutMs: 60_000,
  });
}

beforeAll(async () => {
  harness = await createWorkerHarness();
  // sample-720p.mp4 is ~500 KB: read through the proxy, its render takes a few seconds.
  proxy = throttledProxy(harness.env.config.storage.endpoint, 150_000);
  await proxy.start();
});

afterAll(async () => {
  await proxy?.stop();
  await harness?.close();
});

describe("ThumbnailService", () => {
  it("discards the thumbnail of a material deleted while it was rendered", async () => {
    const material = await createMaterial(harness.env, {
      type: "video",
      fileFormat: "mp4",
      file: fixturePath("sample-720p.mp4"),
    });
    const slowStorage = createStorage({ ...harness.env.config.storage, endpoint: proxy.url });
    const before = proxy.connections;
    const outcome = service(slowStorage).generate(material.id, attempt());
    // ffprobe has connected: the row was read and found active; now the owner deletes it.
    await vi.waitFor(() => expect(proxy.connections, "ffmpeg to read the video").toBeGreaterThan(before), {
      timeout: 30_000,
      interval: 50,
    });
    expect(await new MaterialsRepository(harness.env.database.db).hide(material.id)).toBe(true);

    expect((await outcome).outcome).toBe("material-gone");
    const row = await readMaterial(harness.env, material.id);
    expect([row.status, row.thumbnailStatus, row.thumbnailPath, row.durationSeconds]).toEqual([
      "hidden",
      "pending",
      null,
      null,
    ]);
    expect(await harness.env.storage.exists(`thumbnails/${material.uploaderId}/${material.id}.jpg`)).toBe(false);
  });

  it("ends two concurrent runs for one material with one completed thumbnail", async () => {
    const material = await createMaterial(harness.env, {
      type: "pdf",
      fileFormat: "pdf",
      file: fixturePath("handout-5-pages.pdf"),
    });
    const outcomes = await Promise.all([
      service().generate(material.id, attempt()),
      service().generate(material.id, attempt()),
    ]);
    expect(outcomes.map((report) => report.outcome)).toEqual(["completed", "completed"]);
    expect(outcomes[0]).toMatchObject({ type: "pdf", outputBytes: expect.any(Number) });
    const row = await readMaterial(harness.env, material.id);
    expect(row.thumbnailStatus).toBe("completed");
    const image = await decodeImage(await harness.env.storage.getBuffer(row.thumbnailPath ?? ""));
    expect(image.width).toBe(480);
  });

  it("retries a material that is still being uploaded instead of failing it", async () => {
    const material = await createMaterial(harness.env, { type: "pdf", fileFormat: "pdf", status: "processing" });
    await expect(service().generate(material.id, attempt(true))).rejects.toThrow(/still processing/);
    const row = await readMaterial(harness.env, material.id);
    expect([row.thumbnailStatus, row.thumbnailPath]).toEqual(["pending", null]);
  });

  it("leaves the row pending on a failure that is not the file's fault, even on the final attempt", async () => {
    const material = await createMaterial(harness.env, {
      type: "pdf",
      fileFormat: "pdf",
      file: fixturePath("handout-5-pages.pdf"),
    });
    const unreachable = createStorage({ ...harness.env.config.storage, endpoint: "http://127.0.0.1:9" });
    await expect(service(unreachable).generate(material.id, attempt(true))).rejects.toThrow();
    const row = await readMaterial(harness.env, material.id);
    expect([row.thumbnailStatus, row.thumbnailPath, row.thumbnailError]).toEqual(["pending", null, null]);
  });

  it("does not mark a failed attempt that is not the last one", async () => {
    const material = await createMaterial(harness.env, {
      type: "video",
      fileFormat: "mp4",
      file: fixturePath("truncated.mp4"),
    });
    await expect(service().generate(material.id, attempt(false))).rejects.toThrow(/decode/);
    expect((await readMaterial(harness.env, material.id)).thumbnailStatus).toBe("pending");
    await expect(service().generate(material.id, attempt(true))).rejects.toThrow(/decode/);
    expect((await readMaterial(harness.env, material.id)).thumbnailStatus).toBe("failed");
  });

  it("stores both placeholders once, as 480 px JPEGs", async () => {
    const storage = harness.env.storage;
    await Promise.all([storage.remove("placeholders/video.jpg"), storage.remove("placeholders/pdf.jpg")]);
    expect((await ensurePlaceholders(storage)).sort()).toEqual(["placeholders/pdf.jpg", "placeholders/video.jpg"]);
    expect(await ensurePlaceholders(storage)).toEqual([]);
    for (const key of ["placeholders/video.jpg", "placeholders/pdf.jpg"]) {
      expect((await storage.stat(key))?.contentType).toBe("image/jpeg");
      expect((await decodeImage(await storage.getBuffer(key))).width).toBe(480);
    }
  });
});
