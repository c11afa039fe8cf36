import { randomBytes } from "node:crypto";
import { type Browser, launchChromium, waitForText } from "@learning-hub/testing/browser";
import { type Job, Queue, Worker } from "bullmq";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createMetricsRegistry, type MetricsServer, startMetricsServer } from "../src";

const connection = { host: "127.0.0.1", port: 6379 };
const prefix = `lhtest:dashboard-${randomBytes(4).toString("hex")}`;
const FAILURE = "ffmpeg exited with code 1: moov atom not found";

let queues: Queue[] = [];
let failedJob: Job;
let server: MetricsServer | undefined;
let browser: Browser | undefined;

/** One failed thumbnail job (its worker throws) and one waiting maintenance job. */
beforeAll(async () => {
  queues = ["thumbnails", "maintenance"].map((name) => new Queue(name, { connection, prefix }));
  const [thumbnails, maintenance] = queues as [Queue, Queue];
  const worker = new Worker(
    "thumbnails",
    async () => {
      throw new Error(FAILURE);
    },
    { connection, prefix },
  );
  const failed = new Promise<void>((resolve) => worker.once("failed", () => resolve()));
  failedJob = await thumbnails.add("generate_thumbnail", { materialId: 42 }, { jobId: "thumbnail-42" });
  await failed;
  await worker.close();
  await maintenance.add("cleanup_stale_records", {});
});

afterEach(async () => {
  await server?.close();
  server = undefined;
});

afterAll(async () => {
  await browser?.close();
  for (const queue of queues) {
    await queue.obliterate({ force: true });
    await queue.close();
  }
});

async function start(writable: boolean): Promise<string> {
  server = await startMetricsServer({
    host: "127.0.0.1",
    port: 0,
    registry: createMetricsRegistry(),
    queueDashboard: { queues, writable },
  });
  return `http://127.0.0.1:${server.port}`;
}

interface DashboardQueues {
  queues: Array<{
    name: string;
    readOnlyMode: boolean;
    counts: Record<string, number>;
    jobs: Array<Record<string, unknown>>;
  }>;
}

describe("queue dashboard (bull-board) on the operator server", () => {
  it("lists every queue with its counts and a failed job's reason, next to /metrics", async () => {
    const base = await start(false);
    expect((await fetch(`${base}/metrics`)).status).toBe(200);
    const page = await fetch(`${base}/queues`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");

    const response = await fetch(
      `${base}/queues/api/queues?activeQueue=thumbnails&status=failed&page=1&jobsPerPage=10`,
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as DashboardQueues;
    expect(body.queues.map((q) => q.name).sort()).toEqual(["maintenance", "thumbnails"]);
    const thumbnails = body.queues.find((q) => q.name === "thumbnails");
    expect(thumbnails?.counts.failed).toBe(1);
    expect(thumbnails?.readOnlyMode).toBe(true);
    expect(thumbnails?.jobs).toMatchObject([{ id: "thumbnail-42", failedReason: FAILURE }]);
    expect(body.queues.find((q) => q.name === "maintenance")?.counts.waiting).toBe(1);
  });

  it("refuses every write action when read-only", async () => {
    const base = await start(false);
    const actions = [
      `/queues/api/queues/thumbnails/${failedJob.id}/retry`,
      "/queues/api/queues/thumbnails/retry/failed",
      "/queues/api/queues/thumbnails/clean/failed",
      "/queues/api/queues/thumbnails/pause",
      "/queues/api/queues/maintenance/empty",
    ];
    for (const action of actions) {
      const response = await fetch(`${base}${action}`, { method: "PUT" });
      expect(response.status, action).toBe(405);
    }
    expect(await failedJob.getState()).toBe("failed");
    expect(await queues[0]?.isPaused()).toBe(false);
  });

  it("allows write actions when writable", async () => {
    const base = await start(true);
    const [thumbnails] = queues as [Queue];
    const extra = await thumbnails.add(
      "generate_thumbnail",
      { materialId: 43 },
      { jobId: "thumbnail-43", delay: 60_000 },
    );
    const response = await fetch(`${base}/queues/api/queues/thumbnails/${extra.id}/promote`, { method: "PUT" });
    expect(response.status).toBe(204);
    expect(await extra.getState()).toBe("waiting");
    await extra.remove();
  });

  it("shows every queue and a failed job's reason in a real browser, and refuses a write in read-only mode", async () => {
    browser = await launchChromium();
    const page = await browser.newPage();
    const writeButtons = async () =>
      (await page.$$eval("button", (all) => all.map((button) => button.textContent?.trim() ?? ""))).filter((text) =>
        /retry|clean|promote|pause|empty/i.test(text),
      );

    const base = await start(false);
    await page.goto(`${base}/queues`, { waitUntil: "networkidle0" });
    await waitForText(page, ["thumbnails", "maintenance"]);
    await page.goto(`${base}/queues/queue/thumbnails?status=failed`, { waitUntil: "networkidle0" });
    await waitForText(page, [FAILURE]);
    // Read-only: no button that changes anything, and the API behind the page refuses.
    expect(await writeButtons()).toEqual([]);
    const status = await page.evaluate(
      async (id: string) => (await fetch(`/queues/api/queues/thumbnails/${id}/retry`, { method: "PUT" })).status,
      String(failedJob.id),
    );
    expect(status).toBe(405);
    expect(await failedJob.getState()).toBe("failed");

    // The same page when writable offers the actions the read-only one hides.
    await server?.close();
    const writable = await start(true);
    await page.goto(`${writable}/queues/queue/thumbnails?status=failed`, { waitUntil: "networkidle0" });
    await waitForText(page, [FAILURE]);
    expect((await writeButtons()).length).toBeGreaterThan(0);
  });
});
