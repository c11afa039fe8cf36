import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { materials } from "@learning-hub/db";
import { UsersRepository } from "@learning-hub/db/repositories/users";
import { createWorkerConnection, JobQueues, jobSettings, thumbnailJobId } from "@learning-hub/queue";
import { createTestEnvironment, type TestEnvironment } from "@learning-hub/testing";
import type { Job } from "bullmq";
import { eq, sql } from "drizzle-orm";
import { type Logger, pino } from "pino";
import { vi } from "vitest";
import type { JobDependencies, WorkerDependencies } from "../../src/dependencies";
import type { WorkerRuntime } from "../../src/jobs/runtime";
import { locateFfmpeg } from "../../src/media";
import { buildWorker, type LearningHubWorker, type WorkerStartOptions } from "../../src/worker";

/** A test environment and workers built on it by `buildWorker`, as `main.ts` builds them. */
export interface WorkerHarness {
  env: TestEnvironment;
  /** A built worker's wiring, for services tested directly; `start` builds and starts workers like it. */
  deps: JobDependencies;
  queues: JobQueues;
  /**
   * Builds and starts a worker consuming the thumbnail queue (or the given queues), without the schedules
   * unless asked; `deps` replaces some of its dependencies (e.g. a slow storage).
   */
  start(options?: { deps?: Partial<WorkerDependencies> } & WorkerStartOptions): Promise<WorkerRuntime>;
  /** Builds a worker, to be started by the caller; `close` closes it too. */
  build(deps?: Partial<WorkerDependencies>): LearningHubWorker;
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

/** Workers on an environment someone else owns (e.g. a test app's); `close` leaves the environment alone. */
export function workerHarnessOn(env: TestEnvironment, logger: Logger = pino({ level: "silent" })): WorkerHarness {
  const connection = createWorkerConnection(env.config.redis.url);
  const deps: WorkerDependencies = {
    config: env.config,
    logger,
    database: env.database,
    storage: env.storage,
    connection,
    ffmpeg: locateFfmpeg(),
  };
  const first = buildWorker(deps);
  const built: LearningHubWorker[] = [first];
  return {
    env,
    deps: first.jobDependencies,
    queues: first.queues,
    build(replaced = {}) {
      const worker = buildWorker({ ...deps, ...replaced });
      built.push(worker);
      return worker;
    },
    async start({ deps: replaced, ...options } = {}) {
      return this.build(replaced).start({ queues: ["thumbnails"], schedules: [], ...options });
    },
    async close() {
      await Promise.all(built.map((worker) => worker.close()));
      const queues = new JobQueues({ connection, prefix: env.config.redis.prefix, settings: jobSettings(env.config) });
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

/** Waits until the material's thumbnail job has finished for good (completed, or failed with no retry left). */
export async function waitForThumbnailJob(queues: JobQueues, materialId: number, timeoutMs = 30_000): Promise<Job> {
  return vi.waitFor(
    async () => {
      const jobId = thumbnailJobId(materialId);
      const state = await queues.thumbnails.getJobState(jobId);
      // Read after the state: a job read first could finish in between and show its unfinished fields.
      const job = await queues.thumbnails.getJob(jobId);
      if (!job || (state !== "completed" && state !== "failed")) {
        throw new Error(`the thumbnail job of material ${materialId} has not finished (${state})`);
      }
      return job;
    },
    { timeout: timeoutMs, interval: 50 },
  );
}
