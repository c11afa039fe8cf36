import { randomBytes } from "node:crypto";
import { loadConfig } from "@learning-hub/config";
import { createWorkerConnection, type JobTable, jobSettings, QueueName } from "@learning-hub/queue";
import { testServices } from "@learning-hub/testing";
import { type Job, Queue, QueueEvents, UnrecoverableError } from "bullmq";
import { pino } from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { assertHandlersComplete, startWorkers, type WorkerRuntime } from "../src/jobs/runtime";
import type { JobContext, JobHandlers } from "../src/jobs/types";

describe("assertHandlersComplete", () => {
  const complete = {
    generate_thumbnail: async () => null,
    cleanup: async () => null,
    cleanup_stale_records: async () => null,
    sweep_pending_thumbnails: async () => null,
    prepare_media: async () => null,
    render_storyboard: async () => null,
    prune_expired_sessions: async () => null,
    prune_job_runs: async () => null,
    extract_text: async () => null,
    backfill_text_index: async () => null,
  };

  it("accepts exactly one handler per job name", () => {
    expect(() => assertHandlersComplete(complete)).not.toThrow();
  });

  it("names missing and unknown job names", () => {
    const { cleanup: _dropped, ...missing } = complete;
    expect(() => assertHandlersComplete(missing)).toThrow(/missing \[cleanup\]/);
    expect(() => assertHandlersComplete({ ...complete, resize_avatar: async () => null })).toThrow(
      /unknown \[resize_avatar\]/,
    );
  });
});

describe("startWorkers", () => {
  const config = loadConfig({
    NODE_ENV: "test",
    DATABASE_URL: "postgres://postgres@127.0.0.1:5432/unused",
    REDIS_URL: testServices().redisUrl,
    REDIS_PREFIX: `lhtest:runtime:${randomBytes(4).toString("hex")}`,
    S3_ENDPOINT: "http://127.0.0.1:9",
    THUMBNAIL_ATTEMPTS: "3",
    THUMBNAIL_BACKOFF_MS: "10",
  });
  const table = jobSettings(config);
  const settings: JobTable = {
    ...table,
    generate_thumbnail: {
      ...table.generate_thumbnail,
      attempts: 3,
      backoff: { type: "fixed", delay: 10 },
      timeoutMs: 300,
    },
  };
  const connection = createWorkerConnection(config.redis.url);
  const queue = new Queue(QueueName.thumbnails, { connection, prefix: config.redis.prefix });
  const events = new QueueEvents(QueueName.thumbnails, {
    connection: connection.duplicate(),
    prefix: config.redis.prefix,
  });
  let behaviour: (context: JobContext) => Promise<unknown>;
  const seen: { attempt: number; final: boolean }[] = [];
  let runtime: WorkerRuntime;

  const handlers: JobHandlers = {
    generate_thumbnail: async (_data, context) => {
      seen.push({ attempt: context.job.attemptsMade + 1, final: context.isFinalAttempt });
      await behaviour(context);
      return { outcome: "completed", type: "video", outputBytes: 1 };
    },
    cleanup: async () => ({ cleanedRecords: 0, cleanedFiles: 0, durationSeconds: 0, errors: [] }),
    cleanup_stale_records: async () => ({ cleanedRecords: 0, cleanedFiles: 0, durationSeconds: 0, errors: [] }),
    sweep_pending_thumbnails: async () => ({ enqueued: 0, preparationsEnqueued: 0 }),
    prepare_media: async () => ({ outcome: "converted" }),
    render_storyboard: async () => ({ outcome: "completed" }),
    prune_expired_sessions: async () => ({ deletedSessions: 0 }),
    prune_job_runs: async () => ({ deletedRuns: 0 }),
    extract_text: async () => ({ outcome: "completed" }),
    backfill_text_index: async () => ({ indexed: 0, enqueued: 0 }),
  };

  beforeAll(async () => {
    await events.waitUntilReady();
    runtime = startWorkers({
      config,
      logger: pino({ level: "silent" }),
      connection,
      handlers,
      settings,
      queues: [QueueName.thumbnails],
    });
  });
  afterAll(async () => {
    await runtime.close();
    await queue.obliterate({ force: true });
    await Promise.all([queue.close(), events.close()]);
    connection.disconnect();
  });
  beforeEach(() => {
    seen.length = 0;
  });

  async function settle(data: unknown): Promise<Job> {
    const job = await queue.add("generate_thumbnail", data, { attempts: 3, backoff: { type: "fixed", delay: 10 } });
    await job.waitUntilFinished(events, 10_000).catch(() => undefined);
    const settled = await queue.getJob(job.id as string);
    if (!settled) throw new Error("job vanished");
    return settled;
  }

  it("runs a valid job and marks only the last attempt final", async () => {
    behaviour = async (context) => {
      if (!context.isFinalAttempt) throw new Error("not yet");
      return null;
    };
    const job = await settle({ materialId: 1 });
    expect(await job.getState()).toBe("completed");
    expect(seen).toEqual([
      { attempt: 1, final: false },
      { attempt: 2, final: false },
      { attempt: 3, final: true },
    ]);
  });

  it("fails a job with an invalid payload at once, without calling the handler", async () => {
    behaviour = async () => null;
    const job = await settle({ materialId: "one" });
    expect(await job.getState()).toBe("failed");
    expect(job.failedReason).toMatch(/invalid payload for generate_thumbnail/);
    expect(job.attemptsMade).toBe(1);
    expect(seen).toEqual([]);
  });

  it("fails a job whose handler raises UnrecoverableError without retrying it", async () => {
    behaviour = async () => {
      throw new UnrecoverableError("unsupported input");
    };
    const job = await settle({ materialId: 2 });
    expect(await job.getState()).toBe("failed");
    expect(job.failedReason).toBe("unsupported input");
    expect(seen).toHaveLength(1);
  });

  it("fails an attempt that outlives the job's timeout, and aborts its signal", async () => {
    const aborted: boolean[] = [];
    behaviour = (context) =>
      new Promise<null>((resolve) => {
        context.signal.addEventListener("abort", () => {
          aborted.push(true);
          resolve(null);
        });
      });
    const job = await settle({ materialId: 3 });
    expect(await job.getState()).toBe("failed");
    expect(job.failedReason).toMatch(/timed out after 300 ms/);
    expect(seen).toHaveLength(3);
    expect(aborted).toHaveLength(3);
  });
});
