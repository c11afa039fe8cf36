import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { materialContentVectors, materialPages, materials } from "@learning-hub/db";
import { type JobName, textExtractionJobId } from "@learning-hub/queue";
import { writePdf } from "@learning-hub/testing";
import type { Job } from "bullmq";
import { eq, inArray, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createMaterial, createWorkerHarness, readMaterial, type WorkerHarness } from "../support/worker-harness";

let harness: WorkerHarness;
let workDir: string;

async function pdfFile(name: string, data: Buffer): Promise<string> {
  const file = path.join(workDir, name);
  await writeFile(file, data);
  return file;
}

/** The job once finished, read again so its return value is there. */
async function finished(fetch: () => Promise<Job | undefined>, what: string): Promise<Job> {
  return vi.waitFor(
    async () => {
      const job = await fetch();
      const state = await job?.getState();
      if (!job || (state !== "completed" && state !== "failed")) throw new Error(`${what} has not finished (${state})`);
      return job;
    },
    { timeout: 30_000, interval: 50 },
  );
}

const extractionJob = (materialId: number) => harness.queues.thumbnails.getJob(textExtractionJobId(materialId));

async function extract(materialId: number): Promise<Job> {
  await harness.queues.enqueueTextExtraction(materialId);
  return finished(() => extractionJob(materialId), `extraction of ${materialId}`);
}

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), "lh-text-jobs-"));
  harness = await createWorkerHarness({ TEXT_EXTRACTION_ATTEMPTS: "1", TEXT_BACKFILL_BATCH: "2", TEXT_MAX_PAGES: "2" });
  await harness.start({ queues: ["thumbnails", "maintenance"] });
});

afterAll(async () => {
  await harness?.close();
  await rm(workDir, { recursive: true, force: true });
});

describe("extract_text", () => {
  it("indexes the pages of a PDF up to the page limit and records what it skipped", async () => {
    const file = await pdfFile("three.pdf", writePdf([["alpha"], ["梯度下降"], ["gamma"]]));
    const material = await createMaterial(harness.env, { type: "pdf", fileFormat: "pdf", file });
    const job = await extract(material.id);
    expect(job.returnvalue).toEqual({ outcome: "completed" });
    const row = await readMaterial(harness.env, material.id);
    expect([row.textStatus, row.textNote]).toEqual(["completed", "not indexed: pages 3-3 (over 2 pages)"]);
    const pages = await harness.env.database.db
      .select({ pageNumber: materialPages.pageNumber, text: materialPages.text })
      .from(materialPages)
      .where(eq(materialPages.materialId, material.id))
      .orderBy(materialPages.pageNumber);
    expect(pages).toEqual([
      { pageNumber: 1, text: "alpha" },
      { pageNumber: 2, text: "梯度下降" },
    ]);
    const [content] = await harness.env.database.db
      .select({ vector: materialContentVectors.searchVector })
      .from(materialContentVectors)
      .where(eq(materialContentVectors.materialId, material.id));
    expect(content?.vector).toBe("'alpha' '下降' '度下' '梯度'");
  });

  it("marks a PDF that cannot be read `failed` with the reason, after its last attempt", async () => {
    const file = await pdfFile("corrupt.pdf", writePdf([["x"]]).subarray(0, 200));
    const material = await createMaterial(harness.env, { type: "pdf", fileFormat: "pdf", file });
    const job = await extract(material.id);
    expect(await job.getState()).toBe("failed");
    const row = await readMaterial(harness.env, material.id);
    expect(row.textStatus).toBe("failed");
    expect(row.textNote).toMatch(/^pdf\.js could not read the PDF/);
  });

  it("marks a PDF whose object is missing `failed`", async () => {
    const material = await createMaterial(harness.env, { type: "pdf", fileFormat: "pdf" });
    await extract(material.id);
    expect(await readMaterial(harness.env, material.id)).toMatchObject({
      textStatus: "failed",
      textNote: "the material's file is missing from storage",
    });
  });

  it("leaves a hidden material alone", async () => {
    const file = await pdfFile("hidden.pdf", writePdf([["hidden text"]]));
    const material = await createMaterial(harness.env, { type: "pdf", fileFormat: "pdf", file, status: "hidden" });
    const job = await extract(material.id);
    expect(job.returnvalue).toEqual({ outcome: "material-gone" });
    expect((await readMaterial(harness.env, material.id)).textStatus).toBe("pending");
  });
});

describe("backfill_text_index", () => {
  it("indexes old materials a batch per run, queueing the PDFs' extraction, and goes on where it stopped", async () => {
    const { db } = harness.env.database;
    // Materials from before search: no vector, text pending (what the migration leaves).
    const file = await pdfFile("old.pdf", writePdf([["convexity"]]));
    const created = [
      await createMaterial(harness.env, { type: "pdf", fileFormat: "pdf", file }),
      await createMaterial(harness.env, { type: "video", fileFormat: "mp4" }),
      await createMaterial(harness.env, { type: "pdf", fileFormat: "pdf", file }),
    ];
    const ids = created.map((material) => material.id);
    await db.update(materials).set({ searchVector: null }).where(inArray(materials.id, ids));
    await db
      .update(materials)
      .set({ textStatus: "no_text" })
      .where(eq(materials.id, created[1]?.id ?? 0));

    const runBackfill = async () => {
      const job = await harness.queues.maintenance.add("backfill_text_index" satisfies JobName, {});
      return (await finished(async () => harness.queues.maintenance.getJob(job.id ?? ""), "backfill")).returnvalue as {
        indexed: number;
        enqueued: number;
      };
    };
    // Earlier tests' materials are candidates too; runs of 2 go through all of them.
    let runs = 0;
    for (;;) {
      const result = await runBackfill();
      runs++;
      if (result.indexed + result.enqueued === 0) break;
      expect(result.indexed + result.enqueued).toBeLessThanOrEqual(4);
      // Let queued extractions finish so the PDFs stop being candidates.
      for (const id of ids) {
        if (await extractionJob(id)) await finished(() => extractionJob(id), `extraction of ${id}`);
      }
    }
    expect(runs).toBeGreaterThan(1);
    const rows = await db
      .select({ id: materials.id, vector: materials.searchVector, textStatus: materials.textStatus })
      .from(materials)
      .where(inArray(materials.id, ids))
      .orderBy(materials.id);
    expect(rows.every((row) => row.vector !== null)).toBe(true);
    expect(rows.map((row) => row.textStatus)).toEqual(["completed", "no_text", "completed"]);
    // Only the hidden material of an earlier test is left without a vector: it is never searched.
    const unindexed = await db
      .select({ status: materials.status })
      .from(materials)
      .where(isNull(materials.searchVector));
    expect(unindexed).toEqual([{ status: "hidden" }]);
  });
});
