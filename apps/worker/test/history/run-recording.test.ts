import { createDatabase } from "@learning-hub/db";
import { JobRunsRepository } from "@learning-hub/db/repositories/job-runs";
import { createWorkerConnection, jobSettings, QueueName } from "@learning-hub/queue";
import { createTestEnvironment, type TestEnvironment } from "@learning-hub/testing";
import { type Job, Queue, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { RunRecorder } from "../../src/history/run-recorder";
import { summarizeRun } from "../../src/jobs/run-summaries";
import { startWorkers, type WorkerRuntime } from "../../src/jobs/runtime";
import type { JobHandlers } from "../../src/jobs/types";
import { isFinalFailure } from "../../src/metrics";

let env: TestEnvironment;
let connection: Redis;
let queue: Queue;
let events: QueueEvents;
let runtime: WorkerRuntime | undefined;
let behaviour: () => Promise<void>;

const handlers = {
  generate_thumbnail: async () => {
    await behaviour();
    return { outcome: "completed", type: "pdf", outputBytes: 1234 };
  },
  cleanup: async () => ({ cleanedRecords: 0, cleanedFiles: 0, durationSeconds: 0, errors: [] }),
  cleanup_stale_records: async () => ({ cleanedRecords: 2, cleanedFiles: 3, durationSeconds: 0, errors: [] }),
  sweep_pending_thumbnails: async () => ({ enqueued: 0, preparationsEnqueued: 0 }),
  prune_expired_sessions: async () => ({ deletedSessions: 0 }),
  prune_job_runs: async () => ({ deletedRuns: 0 }),
  extract_text: async () => ({ outcome: "completed" }),
  backfill_text_index: async () => ({ indexed: 0, enqueued: 0 }),
  prepare_media: async () => ({ outcome: "converted" }),
  render_storyboard: async () => ({ outcome: "completed" }),
} satisfies JobHandlers;

function recorderOn(repository: JobRunsRepository, warnings: unknown[] = []): RunRecorder {
  const logger = pino({ level: "warn" }, { write: (line: string) => void warnings.push(JSON.parse(line)) });
  return new RunRecorder({
    repository,
    logger,
    scheduleOf: () => null,
    summarize: (job, result) => summarizeRun(job.name, result),
    isFinalFailure,
  });
}

function start(recorder: RunRecorder): void {
  runtime = startWorkers({
    config: env.config,
    logger: pino({ level: "silent" }),
    connection,
    handlers,
    settings: jobSettings(env.config),
    queues: [QueueName.thumbnails],
    recorder,
  });
}

async function settle(data: unknown): Promise<Job> {
  const job = await queue.add("generate_thumbnail", data, { attempts: 2, backoff: { type: "fixed", delay: 10 } });
  await job.waitUntilFinished(events, 10_000).catch(() => undefined);
  const settled = await queue.getJob(job.id as string);
  if (!settled) throw new Error("job vanished");
  return settled;
}

beforeAll(async () => {
  env = await createTestEnvironment();
  connection = createWorkerConnection(env.config.redis.url);
  queue = new Queue(QueueName.thumbnails, { connection, prefix: env.config.redis.prefix });
  events = new QueueEvents(QueueName.thumbnails, {
    connection: connection.duplicate(),
    prefix: env.config.redis.prefix,
  });
  await events.waitUntilReady();
});
afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
});
afterAll(async () => {
  await queue?.obliterate({ force: true });
  await Promise.all([queue?.close(), events?.close()]);
  connection?.disconnect();
  await env?.dispose();
});

describe("run recording in the worker runtime", () => {
  it("records each attempt: a retried failure, then the completed attempt with its summary", async () => {
    const runs = new JobRunsRepository(env.database.db);
    start(recorderOn(runs));
    let attempts = 0;
    behaviour = async () => {
      attempts += 1;
      if (attempts === 1) throw new Error("first attempt breaks");
    };
    const job = await settle({ materialId: 7 });
    expect(await job.getState()).toBe("completed");

    await vi.waitFor(async () => {
      const { items } = await runs.list({ materialId: 7 }, 1, 10);
      expect(items.map((run) => [run.attempt, run.outcome])).toEqual([
        [2, "completed"],
        [1, "retrying"],
      ]);
    });
    const { items } = await runs.list({ materialId: 7 }, 1, 10);
    expect(items[0]).toMatchObject({
      queue: "thumbnails",
      jobName: "generate_thumbnail",
      jobId: job.id,
      summary: { outcome: "completed", kind: "pdf", output_bytes: 1234 },
      error: null,
    });
    expect(items[0]?.durationMs).toBeGreaterThanOrEqual(0);
    expect(items[1]?.error).toBe("first attempt breaks");
  });

  it("records a final failure with its error", async () => {
    const runs = new JobRunsRepository(env.database.db);
    start(recorderOn(runs));
    behaviour = async () => {
      throw new Error("always broken");
    };
    const job = await settle({ materialId: 8 });
    expect(await job.getState()).toBe("failed");
    await vi.waitFor(async () => {
      const { items } = await runs.list({ materialId: 8, outcome: "failed" }, 1, 10);
      expect(items).toMatchObject([{ attempt: 2, error: "always broken" }]);
    });
  });

  it("never fails a job when the run history cannot be written", async () => {
    // Nothing listens on port 9: every write fails at once.
    const unreachable = createDatabase({ url: "postgres://postgres@127.0.0.1:9/nowhere", connectTimeoutSeconds: 1 });
    const warnings: unknown[] = [];
    const recorder = recorderOn(new JobRunsRepository(unreachable.db), warnings);
    start(recorder);
    behaviour = async () => {};
    try {
      const job = await settle({ materialId: 9 });
      expect(await job.getState()).toBe("completed");
      expect(job.returnvalue).toMatchObject({ outcome: "completed" });
      await recorder.flush(5_000);
      expect(warnings).toEqual(
        expect.arrayContaining([expect.objectContaining({ msg: "run history: could not record the run" })]),
      );
    } finally {
      await unreachable.close(1);
    }
  });
});
