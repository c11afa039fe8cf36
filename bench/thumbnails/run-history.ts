/**
 * Cost of the run history on thumbnail throughput: the same build, the worker in this process with
 * run recording on (`buildWorker` default) and off (`recordRuns: false`), in alternating rounds so
 * background load hits both alike. Each round renders every material once; prints jobs/s of each
 * variant and the ratio (goal >= 0.95).
 *
 *   pnpm tsx bench/thumbnails/run-history.ts [--rounds 4] [--jobs 24]
 *
 * Needs PostgreSQL (127.0.0.1:5432), Redis (127.0.0.1:6379) and ffmpeg; starts its own s3rver and
 * generates its test video with ffmpeg.
 */
import { execFile } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs, promisify } from "node:util";
import { locateFfmpeg } from "../../apps/worker/src/media";
import { buildWorker } from "../../apps/worker/src/worker";
import { UsersRepository } from "../../packages/db/src/repositories/users";
import { createLogger } from "../../packages/lifecycle/src/index";
import { thumbnailJobId } from "../../packages/queue/src/index";
import { type BenchStack, startBenchStack } from "./stack";

const execFileAsync = promisify(execFile);
const { values } = parseArgs({
  options: { rounds: { type: "string", default: "4" }, jobs: { type: "string", default: "24" } },
});
const ROUNDS = Number(values.rounds);
const JOBS = Number(values.jobs);
const out = (line = "") => process.stdout.write(`${line}\n`);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

async function generateVideo(): Promise<string> {
  const file = path.join(tmpdir(), `bench-run-history-${process.pid}.mp4`);
  await execFileAsync("ffmpeg", [
    ...["-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25:duration=4"],
    ...["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", file],
  ]);
  return file;
}

async function seedMaterials(stack: BenchStack, video: string): Promise<number[]> {
  const user = await new UsersRepository(stack.database.db).create({
    email: "bench@example.com",
    name: "B",
    passwordHash: "-",
  });
  const bytes = await readFile(video);
  const ids: number[] = [];
  for (let i = 0; i < JOBS; i++) {
    const key = `materials/1/video-${i}.mp4`;
    await stack.storage.putBuffer(key, bytes, "video/mp4");
    const [row] = await stack.database.sql<{ id: number }[]>`
      insert into materials (title, type, file_path, file_size, file_format, uploader_id, status)
      values (${key}, 'video', ${key}, ${bytes.length}, 'mp4', ${user?.id ?? 0}, 'active') returning id`;
    if (row) ids.push(row.id);
  }
  return ids;
}

/** Renders every material once with a fresh in-process worker; returns jobs/s. */
async function round(stack: BenchStack, ids: number[], recordRuns: boolean): Promise<number> {
  await stack.database.sql`
    update materials set thumbnail_status = 'pending', thumbnail_path = null where id = any(${ids})`;
  for (const id of ids) await stack.queues.thumbnails.remove(thumbnailJobId(id));
  const worker = buildWorker({
    config: stack.config,
    logger: createLogger({ logLevel: "silent" }),
    database: stack.database,
    storage: stack.storage,
    connection: stack.connection,
    ffmpeg: locateFfmpeg(),
    recordRuns,
  });
  const runtime = await worker.start({ queues: ["thumbnails"], schedules: [] });
  await Promise.all(runtime.workers.map((consumer) => consumer.waitUntilReady()));
  const started = performance.now();
  for (const id of ids) await stack.queues.enqueueThumbnail(id);
  for (;;) {
    const completed = await stack.queues.thumbnails.getCompletedCount();
    const failed = await stack.queues.thumbnails.getFailedCount();
    if (failed > 0) throw new Error("a thumbnail job failed");
    if (completed >= ids.length) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const seconds = (performance.now() - started) / 1000;
  await worker.close();
  return ids.length / seconds;
}

const stack = await startBenchStack({ THUMBNAIL_CONCURRENCY: "2" });
const video = await generateVideo();
try {
  const ids = await seedMaterials(stack, video);
  await round(stack, ids, true); // warm-up: pdfjs/ffmpeg caches, connections
  const withRecording: number[] = [];
  const without: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate which variant goes first.
    for (const recordRuns of r % 2 === 0 ? [true, false] : [false, true]) {
      (recordRuns ? withRecording : without).push(await round(stack, ids, recordRuns));
    }
  }
  const [recorded] = await stack.database.sql<{ n: number }[]>`select count(*)::int as n from job_runs`;
  out(`thumbnail throughput, ${JOBS} jobs per round, ${ROUNDS} rounds each, THUMBNAIL_CONCURRENCY=2`);
  out(
    `  with run recording:    ${mean(withRecording).toFixed(2)} jobs/s (${withRecording.map((x) => x.toFixed(2)).join(", ")})`,
  );
  out(`  without run recording: ${mean(without).toFixed(2)} jobs/s (${without.map((x) => x.toFixed(2)).join(", ")})`);
  out(`  ratio with/without:    ${(mean(withRecording) / mean(without)).toFixed(3)} (goal >= 0.95)`);
  out(`  runs recorded:         ${recorded?.n} (warm-up + ${ROUNDS} rounds with recording, ${JOBS} each)`);
} finally {
  await rm(video, { force: true });
  await stack.close();
}
