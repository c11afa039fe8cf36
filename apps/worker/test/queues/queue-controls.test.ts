import { QueueControlsRepository } from "@learning-hub/db/repositories/queue-controls";
import { applyQueueControl, createWorkerConnection, readQueueControl } from "@learning-hub/queue";
import { createTestEnvironment, type TestEnvironment } from "@learning-hub/testing";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let env: TestEnvironment;
let connection: Redis;
let queue: Queue;

beforeAll(async () => {
  env = await createTestEnvironment();
  connection = createWorkerConnection(env.config.redis.url);
  queue = new Queue("thumbnails", { connection, prefix: env.config.redis.prefix });
});
afterAll(async () => {
  await queue?.obliterate({ force: true });
  await queue?.close();
  connection?.disconnect();
  await env?.dispose();
});

describe("QueueControlsRepository", () => {
  it("answers the defaults for a queue nobody changed", async () => {
    const controls = new QueueControlsRepository(env.database.db);
    expect(await controls.find("maintenance")).toEqual({ paused: false, concurrency: null });
  });

  it("keeps fields left out, and serialises concurrent changes of one queue", async () => {
    const controls = new QueueControlsRepository(env.database.db);
    const changes = await Promise.all([
      controls.update("thumbnails", { paused: true }),
      controls.update("thumbnails", { concurrency: 3 }),
      controls.update("thumbnails", { concurrency: 5 }),
    ]);
    const final = await controls.find("thumbnails");
    expect(final.paused).toBe(true);
    expect([3, 5]).toContain(final.concurrency);
    // Each change saw the one before it: the befores and afters chain into one history.
    const afters = changes.map((c) => JSON.stringify(c.after));
    const befores = changes.map((c) => JSON.stringify(c.before));
    expect(befores.filter((b) => !afters.includes(b))).toEqual([JSON.stringify({ paused: false, concurrency: null })]);
    expect(afters.filter((a) => !befores.includes(a))).toEqual([JSON.stringify(final)]);

    expect(await controls.update("thumbnails", { concurrency: null })).toEqual({
      before: final,
      after: { paused: true, concurrency: null },
    });
    expect((await controls.all()).get("thumbnails")).toEqual({ paused: true, concurrency: null });
  });
});

describe("applyQueueControl", () => {
  it("pauses, limits, resumes and unlimits the queue in Redis, changing only what differs", async () => {
    expect(await readQueueControl(queue)).toEqual({ paused: false, concurrency: null, workers: 0 });

    expect(await applyQueueControl(queue, { paused: true, concurrency: 2 })).toEqual(["paused", "concurrency_set"]);
    expect(await readQueueControl(queue)).toMatchObject({ paused: true, concurrency: 2 });
    expect(await applyQueueControl(queue, { paused: true, concurrency: 2 })).toEqual([]);

    expect(await applyQueueControl(queue, { paused: false, concurrency: null })).toEqual([
      "resumed",
      "concurrency_removed",
    ]);
    expect(await readQueueControl(queue)).toMatchObject({ paused: false, concurrency: null });
  });

  it("restores the state after Redis lost it", async () => {
    await applyQueueControl(queue, { paused: true, concurrency: 4 });
    await queue.obliterate({ force: true });
    expect(await readQueueControl(queue)).toMatchObject({ paused: false, concurrency: null });
    expect(await applyQueueControl(queue, { paused: true, concurrency: 4 })).toEqual(["paused", "concurrency_set"]);
    expect(await readQueueControl(queue)).toMatchObject({ paused: true, concurrency: 4 });
  });
});
