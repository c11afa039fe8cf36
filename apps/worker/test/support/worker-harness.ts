import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { materials } from "@learning-hub/db";
import { UsersRepository } from "@learning-hub/db/repositories/users";
import { createWorkerConnection, JobQueues, jobSettings, type QueueName, thumbnailJobId } from "@learning-hub/queue";
import { createTestEnvironment, type TestEnvironment } from "@learning-hub/testing";
import type { Job } from "bullmq";
import { eq, sql } from "drizzle-orm";
import { type Logger, pino } from "pino";
import type { WorkerDependencies } from "../../src/dependencies";
import { createJobHandlers } from "../../src/jobs/handlers";
import { startWorkers, type WorkerRuntime } from "../../src/jobs/runtime";
import { locateFfmpeg } from "../../src/media";

/** A test environment plus the worker's dependencies, built as `main.ts` builds them. */
export interface WorkerHarness {
  env: TestEnvironment;
  deps: WorkerDependencies;
  queues: JobQueues;
  /** Starts in-process consumers of the thumbnail queue (or the given queues) with the job table of main.ts. */
  start(options?: { deps?: Partial<WorkerDependencies>; queues?: QueueName[] }): WorkerRuntime;
  close(): Promise<void>;
}

export async function createWorkerHarness(
  overrides: Record<string, string> = {},
  logger: Logger = pino({ level: "silent" }),
): Promise<WorkerHarness> {
  const env = await createTestEnvironment(overrides);
  const harness = workerHarnessOn(env, logger);
  return {
    ...harness,
    async close() {
      await harness.close();
      await env.dispose();
    },
  };
}

/** A worker on an environment someone else owns (e.g. a test app's); `close` leaves the environment alone. */
export function workerHarnessOn(env: TestEnvironment, logger: Logger = pino({ level: "silent" })): WorkerHarness {
  const { config } = env;
  const connection = createWorkerConnection(config.redis.url);
  const settings = jobSettings(config);
  const queues = new JobQueues({ connection, prefix: config.redis.prefix, settings });
  const deps: WorkerDependencies = {
    config,
    logger,
    database: env.database,
    storage: env.storage,
    connection,
    queues,
    settings,
    ffmpeg: locateFfmpeg(),
  };
  const runtimes: WorkerRuntime[] = [];
  return {
    env,
    deps,
    queues,
    start(options = {}) {
      const merged = { ...deps, ...options.deps };
      const runtime = startWorkers({
        config,
        logger,
        connection,
        handlers: createJobHandlers(merged),
        settings,
        queues: options.queues ?? ["thumbnails"],
      });
      runtimes.push(runtime);
      return runtime;
    },
    async close() {
      await Promise.all(runtimes.map((runtime) => runtime.close()));
      await Promise.all(queues.all().map((queue) => queue.obliterate({ force: true }).catch(() => undefined)));
      await queues.close();
      connection.disconnect();
    },
  };
}

export interface TestMaterial {
  id: number;
  uploaderId: number;
  filePath: string;
}

export interface MaterialSource {
  type: "video" | "pdf";
  fileFormat: string;
  /** A file to store as the material's object; absent leaves the object missing. */
  file?: string;
  status?: "processing" | "active" | "hidden";
  /** Seconds since the row last changed (the sweep leaves recent rows alone). */
  ageSeconds?: number;
}

/** A user, the stored object and an active material row, as an upload leaves them. */
export async function createMaterial(env: TestEnvironment, source: MaterialSource): Promise<TestMaterial> {
  const suffix = randomBytes(4).toString("hex");
  const user = await new UsersRepository(env.database.db).create({
    email: `uploader-${suffix}@example.com`,
    name: `Uploader ${suffix}`,
    passwordHash: "not-a-real-hash",
  });
  if (!user) throw new Error("could not create the uploader");
  const filePath = `materials/${user.id}/20250101_000000_${suffix}.${source.fileFormat}`;
  let fileSize = 0;
  if (source.file) {
    const bytes = await readFile(source.file);
    fileSize = bytes.length;
    await env.storage.putBuffer(filePath, bytes, source.type === "pdf" ? "application/pdf" : "video/mp4");
  }
  const ago = sql`now() - make_interval(secs => ${source.ageSeconds ?? 0})`;
  const [row] = await env.database.db
    .insert(materials)
    .values({
      title: `Material ${suffix}`,
      type: source.type,
      filePath,
      fileSize,
      fileFormat: source.fileFormat,
      uploaderId: user.id,
      status: source.status ?? "active",
      createdAt: ago,
      updatedAt: ago,
      activatedAt: (source.status ?? "active") === "active" ? ago : null,
    })
    .returning({ id: materials.id });
  if (!row) throw new Error("could not insert the material");
  return { id: row.id, uploaderId: user.id, filePath };
}

export async function readMaterial(env: TestEnvironment, id: number) {
  const [row] = await env.database.db.select().from(materials).where(eq(materials.id, id));
  if (!row) throw new Error(`material ${id} not found`);
  return row;
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Waits until the material's thumbnail job has finished for good (completed, or failed with no retry left). */
export async function waitForThumbnailJob(queues: JobQueues, materialId: number, timeoutMs = 30_000): Promise<Job> {
  return waitFor(
    `the thumbnail job of material ${materialId}`,
    async () => {
      const job = await queues.thumbnails.getJob(thumbnailJobId(materialId));
      const state = await job?.getState();
      return state === "completed" || state === "failed" ? job : undefined;
    },
    timeoutMs,
  );
}
