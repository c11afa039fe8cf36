import { thumbnailJobId } from "@learning-hub/queue";
import { configEnvironment, type TcpProxy } from "@learning-hub/testing";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { ensurePlaceholders } from "../../src/services/placeholders";
import { fixturePath } from "../media/helpers";
import { throttledProxy } from "../support/throttled-proxy";
import {
  createMaterial,
  createWorkerHarness,
  readMaterial,
  type WorkerHarness,
  waitForThumbnailJob,
} from "../support/worker-harness";
import { WorkerProcess } from "../support/worker-process";

const LOCK_MS = 3000;
const STALLED_INTERVAL_MS = 1000;
let harness: WorkerHarness;
let proxy: TcpProxy;
const processes: WorkerProcess[] = [];

beforeAll(async () => {
  harness = await createWorkerHarness({
    THUMBNAIL_LOCK_DURATION_MS: String(LOCK_MS),
    THUMBNAIL_STALLED_INTERVAL_MS: String(STALLED_INTERVAL_MS),
  });
  await ensurePlaceholders(harness.env.storage);
  // The first worker reads storage through this: its render of a 500 KB video takes ~10 s.
  proxy = throttledProxy(harness.env.config.storage.endpoint, 50_000);
  await proxy.start();
});

afterAll(async () => {
  await Promise.all(processes.map((worker) => worker.stop()));
  await proxy?.stop();
  await harness?.close();
});

function startWorkerProcess(overrides: Record<string, string> = {}): WorkerProcess {
  const worker = new WorkerProcess({ ...configEnvironment(harness.env.config), ...overrides });
  processes.push(worker);
  return worker;
}

it("hands the job of a worker killed with SIGKILL mid-render to another worker, which completes it", async () => {
  const material = await createMaterial(harness.env, {
    type: "video",
    fileFormat: "mp4",
    file: fixturePath("sample-720p.mp4"),
  });
  const first = startWorkerProcess({ S3_ENDPOINT: proxy.url });
  const ffmpegLine = await first.waitForLog((line) => line.msg === "using the system ffmpeg");
  expect(ffmpegLine.source).toBe("system");
  await first.waitForLog((line) => line.msg === "worker started");

  const readersBefore = proxy.connections;
  await harness.queues.enqueueThumbnail(material.id);
  const job = await vi.waitFor(
    async () => {
      const found = await harness.queues.thumbnails.getJob(thumbnailJobId(material.id));
      if (!found || (await found.getState()) !== "active") throw new Error("the first worker has not taken the job");
      return found;
    },
    { timeout: 30_000, interval: 50 },
  );
  await vi.waitFor(() => expect(proxy.connections, "ffmpeg to read the video").toBeGreaterThan(readersBefore), {
    timeout: 30_000,
    interval: 50,
  });
  await new Promise((resolve) => setTimeout(resolve, 1000));
  expect((await readMaterial(harness.env, material.id)).thumbnailStatus).toBe("pending");

  first.kill("SIGKILL");
  expect(await first.exited).toBeNull(); // killed by the signal, not exited
  const killedAt = Date.now();

  const second = startWorkerProcess();
  await second.waitForLog((line) => line.msg === "worker started");
  const finished = await waitForThumbnailJob(harness.queues, material.id, 30_000);
  expect(await finished.getState()).toBe("completed");
  expect(finished.id).toBe(job.id);
  // Taken over through stalled-job recovery: once the lock lapsed, at the next check.
  expect(Date.now() - killedAt).toBeLessThan(LOCK_MS + STALLED_INTERVAL_MS + 10_000);
  const completedBySecond = await second.waitForLog((line) => line.msg === "job completed" && line.jobId === job.id);
  expect(completedBySecond.job).toBe("generate_thumbnail");

  const row = await readMaterial(harness.env, material.id);
  expect(row.thumbnailStatus).toBe("completed");
  expect(row.thumbnailPath).toBe(`thumbnails/${material.uploaderId}/${material.id}.jpg`);
  expect(await harness.env.storage.exists(row.thumbnailPath ?? "")).toBe(true);
}, 90_000);
