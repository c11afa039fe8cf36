/**
 * Media benchmark, part 5: PDF thumbnail latency (enqueue -> finished, BullMQ's timestamps) on an idle machine
 * against the same while a transcode runs on the `media` queue of a worker on the same machine (split queues:
 * one worker consumes `thumbnails`, another `media`; ffmpeg runs nice'd as configured). Goal: within 1.5x.
 *
 *   pnpm tsx bench/media/latency.ts [--jobs 15]
 *
 * Needs PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379); starts its own s3rver and database.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { locateFfmpeg } from "../../apps/worker/src/media";
import { buildWorker } from "../../apps/worker/src/worker";
import { UsersRepository } from "../../packages/db/src/repositories/users";
import { createLogger } from "../../packages/lifecycle/src/index";
import { prepareMediaJobId, thumbnailJobId } from "../../packages/queue/src/index";
import { generateVideo, multiPagePdf } from "../../packages/testing/src/media-files";
import { type BenchStack, startBenchStack } from "../thumbnails/stack";

const { values } = parseArgs({ options: { jobs: { type: "string", default: "15" } } });
const JOBS = Number(values.jobs);
const out = (line = "") => process.stdout.write(`${line}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

interface Seed {
  key: string;
  type: "pdf" | "video";
  format: string;
  status: "active" | "processing";
  stage: "ready" | "transcoding";
}

async function insertMaterial(stack: BenchStack, uploaderId: number, values: Seed): Promise<number> {
  const [row] = await stack.database.sql<{ id: number }[]>`
    insert into materials (title, type, file_path, file_size, file_format, uploader_id, status, stage)
    values (${values.key}, ${values.type}, ${values.key}, 0, ${values.format}, ${uploaderId}, ${values.status}, ${values.stage})
    returning id`;
  if (!row) throw new Error("insert failed");
  return row.id;
}

/** One thumbnail job's time from enqueue to finished. */
async function thumbnailJobTime(stack: BenchStack, id: number): Promise<number> {
  await stack.database.sql`update materials set thumbnail_status = 'pending', thumbnail_path = null where id = ${id}`;
  await stack.queues.thumbnails.remove(thumbnailJobId(id));
  await stack.queues.enqueueThumbnail(id);
  for (;;) {
    const job = await stack.queues.thumbnails.getJob(thumbnailJobId(id));
    const state = await job?.getState();
    if (state === "failed") throw new Error(`thumbnail job failed: ${job?.failedReason}`);
    if (state === "completed" && job?.finishedOn) return job.finishedOn - job.timestamp;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const work = await mkdtemp(path.join(tmpdir(), "bench-media-latency-"));
const stack = await startBenchStack({ PAGE_PREVIEW_MAX_PAGES: "0", MEDIA_NICENESS: "10" });
try {
  const user = await new UsersRepository(stack.database.db).create({
    email: "b@example.com",
    name: "B",
    passwordHash: "-",
  });
  const uploaderId = user?.id ?? 0;
  await stack.storage.putBuffer("materials/1/handout.pdf", multiPagePdf(1, 595, 842), "application/pdf");
  const pdfId = await insertMaterial(stack, uploaderId, {
    key: "materials/1/handout.pdf",
    type: "pdf",
    format: "pdf",
    status: "active",
    stage: "ready",
  });
  const video = path.join(work, "talk.mkv");
  out("generating a 720p 60 s MPEG-4 Part 2 mkv...");
  await generateVideo(video, {
    seconds: 60,
    size: "1280x720",
    codecArgs: ["-c:v", "mpeg4", "-q:v", "5"],
    audio: false,
  });
  await stack.storage.putBuffer("materials/1/talk.mkv", await readFile(video), "video/x-matroska");
  const videoId = await insertMaterial(stack, uploaderId, {
    key: "materials/1/talk.mkv",
    type: "video",
    format: "mkv",
    status: "processing",
    stage: "transcoding",
  });

  const common = {
    config: stack.config,
    logger: createLogger({ logLevel: "silent" }),
    database: stack.database,
    storage: stack.storage,
    ffmpeg: locateFfmpeg(),
  };
  const thumbnails = buildWorker({ ...common, connection: stack.connection.duplicate() });
  const media = buildWorker({ ...common, connection: stack.connection.duplicate() });
  await thumbnails.start({ queues: ["thumbnails"], schedules: [] });
  await media.start({ queues: ["media"], schedules: [] });

  await thumbnailJobTime(stack, pdfId); // warm-up
  const idle: number[] = [];
  for (let i = 0; i < JOBS; i++) idle.push(await thumbnailJobTime(stack, pdfId));

  await stack.queues.enqueuePrepareMedia(videoId);
  // Measure only while ffmpeg is transcoding.
  for (;;) {
    const [row] = await stack.database.sql<
      { progress: number }[]
    >`select progress from materials where id = ${videoId}`;
    if ((row?.progress ?? 0) > 0) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const busy: number[] = [];
  for (let i = 0; i < JOBS; i++) busy.push(await thumbnailJobTime(stack, pdfId));
  const [after] = await stack.database.sql<{ stage: string; progress: number }[]>`
    select stage, progress from materials where id = ${videoId}`;
  const stillTranscoding = after?.stage === "transcoding";
  out(
    `5 PDF thumbnail job latency: during a transcode ${median(busy).toFixed(0)} ms / idle ${median(idle).toFixed(0)} ms = ` +
      `${(median(busy) / median(idle)).toFixed(2)} (goal <= 1.5; ${JOBS} jobs each, medians; transcode still running ` +
      `at the end: ${stillTranscoding}, progress ${after?.progress}%)`,
  );
  await stack.queues.media.remove(prepareMediaJobId(videoId)).catch(() => undefined);
  await media.close();
  await thumbnails.close();
} finally {
  await stack.close();
  await rm(work, { recursive: true, force: true });
}
