/**
 * Thumbnail benchmark. From one run it prints:
 *   1. mean job time of a video thumbnail (enqueue -> finished, in-process worker) / the raw ffmpeg CLI doing the
 *      same frame extraction (same filters, seek and quality) from the same presigned URL; also against the
 *      CLI reading the local file;
 *   2. mean job time of a PDF thumbnail / `pdftoppm -jpeg -f 1 -l 1 -scale-to-x 480 -scale-to-y -1` on the file;
 *   3. throughput (jobs/s) with two worker processes / one, each `apps/worker/src/main.ts` as operators run it:
 *      a. each process pinned to a CPU of its own (taskset) with THUMBNAIL_CONCURRENCY=1, so one process is one
 *         CPU's worth of work and the ratio shows whether a second one adds another without a shared bottleneck
 *         (on 2 CPUs, unpinned processes compete for the same cores: ffmpeg alone decodes on several threads);
 *      b. unpinned, THUMBNAIL_CONCURRENCY=1; c. unpinned, THUMBNAIL_CONCURRENCY=2 (what this machine gives);
 *      d. the machine's ceiling: the ffmpeg CLI alone on one pinned CPU against two;
 *   4. a large video rendered from a presigned URL (ffmpeg reads ranges) / downloaded to a temp file first.
 * Rounds of the variants being compared alternate, so background load hits both alike.
 *
 *   pnpm tsx bench/thumbnails/run.ts [--rounds 6] [--jobs 60] [--parts 1234]
 *
 * Needs PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379); starts its own s3rver; generates a 1080p 60 s
 * ~240 MB H.264 video once (cached in the temp directory).
 */
import { execFile } from "node:child_process";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { parseArgs, promisify } from "node:util";
import {
  chooseSeekSeconds,
  type FfmpegBinaries,
  locateFfmpeg,
  qualityToQscale,
  renderPdfThumbnail,
  renderVideoThumbnail,
} from "../../apps/worker/src/media";
import { ensurePlaceholders } from "../../apps/worker/src/services/placeholders";
import { buildWorker } from "../../apps/worker/src/worker";
import { WorkerProcess } from "../../apps/worker/test/support/worker-process";
import { UsersRepository } from "../../packages/db/src/repositories/users";
import { createLogger } from "../../packages/lifecycle/src/index";
import { thumbnailJobId } from "../../packages/queue/src/index";
import { ensureTestMedia, testMediaPath } from "../../packages/testing/src/media";
import { type BenchStack, startBenchStack } from "./stack";

const execFileAsync = promisify(execFile);
const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "6" },
    jobs: { type: "string", default: "60" },
    /** Which of the four measurements to run, e.g. `--parts 3`. */
    parts: { type: "string", default: "1234" },
  },
});
const ROUNDS = Number(values.rounds);
const THROUGHPUT_JOBS = Number(values.jobs);
const PARTS = values.parts ?? "1234";
/** Finished jobs left out of the throughput figure (cold start of each worker process). */
const WARM_UP = 6;
await ensureTestMedia();
const fixture = testMediaPath;
const out = (line = "") => process.stdout.write(`${line}\n`);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const ms = (x: number) => `${x.toFixed(0)} ms`;

/** The large test video, generated once: noise keeps the bitrate (and so the size) up. */
async function largeVideo(): Promise<string> {
  const file = path.join(tmpdir(), "bench-thumbnails-1080p-60s.mp4");
  if ((await stat(file).catch(() => null))?.size) return file;
  out("generating a 1080p 60 s video (once; cached in the temp directory)...");
  await execFileAsync("ffmpeg", [
    ...["-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=25:duration=60"],
    ...["-vf", "noise=alls=20:allf=t", "-c:v", "libx264", "-preset", "ultrafast"],
    ...["-b:v", "32M", "-maxrate", "32M", "-bufsize", "64M", "-pix_fmt", "yuv420p", `${file}.part.mp4`],
  ]);
  await execFileAsync("mv", [`${file}.part.mp4`, file]);
  return file;
}

async function timed(action: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await action();
  return performance.now() - started;
}

class Materials {
  private uploaderId = 0;
  constructor(private readonly stack: BenchStack) {}

  async add(file: string, type: "video" | "pdf", key: string): Promise<number> {
    if (this.uploaderId === 0) {
      const user = await new UsersRepository(this.stack.database.db).create({
        email: "bench@example.com",
        name: "Bench",
        passwordHash: "-",
      });
      this.uploaderId = user?.id ?? 0;
    }
    const bytes = await readFile(file);
    await this.stack.storage.putBuffer(key, bytes, type === "pdf" ? "application/pdf" : "video/mp4");
    // Raw SQL: drizzle-orm is not resolvable from bench/ (the workspace packages use it internally).
    const [row] = await this.stack.database.sql<{ id: number }[]>`
      insert into materials (title, type, file_path, file_size, file_format, uploader_id, status)
      values (${key}, ${type}, ${key}, ${bytes.length}, ${path.extname(file).slice(1)}, ${this.uploaderId}, 'active')
      returning id`;
    if (!row) throw new Error("insert failed");
    return row.id;
  }

  /** Back to `pending` with no job, as right after an upload. */
  async reset(ids: number[]): Promise<void> {
    await this.stack.database.sql`
      update materials set thumbnail_status = 'pending', thumbnail_path = null where id = any(${ids})`;
    for (const id of ids) await this.stack.queues.thumbnails.remove(thumbnailJobId(id));
  }
}

/** Enqueues one thumbnail job and returns its job time (enqueue -> finished) from BullMQ's own timestamps. */
async function jobTime(stack: BenchStack, catalogue: Materials, id: number): Promise<number> {
  await catalogue.reset([id]);
  await stack.queues.enqueueThumbnail(id);
  for (;;) {
    const job = await stack.queues.thumbnails.getJob(thumbnailJobId(id));
    const state = await job?.getState();
    if (state === "failed") throw new Error(`job failed: ${job?.failedReason}`);
    if (state === "completed" && job?.finishedOn) return job.finishedOn - job.timestamp;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** What `renderVideoThumbnail` runs for the frame itself (see media/video-thumbnail.ts), as a plain CLI call. */
function ffmpegExtraction(input: string, seekSeconds: number, output: string): string[] {
  const filters = [
    "scale=480:'max(2,trunc(480/dar/2)*2)'",
    "setsar=1",
    "blackframe=amount=0:threshold=32",
    "metadata=mode=select:key=lavfi.blackframe.pblack:value=90:function=less",
    "thumbnail=50",
  ].join(",");
  return [
    ...["-v", "error", "-nostdin", "-y", "-ss", seekSeconds.toFixed(3), "-t", "8", "-i", input, "-an"],
    ...["-vf", filters, "-sn", "-dn", "-frames:v", "1", "-q:v", String(qualityToQscale(80)), "-update", "1"],
    ...["-f", "image2", output],
  ];
}

/** CPU time of the worker processes and of their finished children (ffmpeg, ffprobe), from /proc. */
async function cpuSeconds(pids: (number | undefined)[]): Promise<number> {
  let ticks = 0;
  for (const pid of pids) {
    const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]?.split(" ") ?? [];
    // utime, stime, cutime, cstime: fields 14-17 of stat, 12-15 after the command name.
    for (const index of [11, 12, 13, 14]) ticks += Number(fields[index] ?? 0);
  }
  return ticks / 100; // USER_HZ
}

/** Busy time of all CPUs of the machine (everything but idle and iowait), from /proc/stat. */
async function machineBusySeconds(): Promise<number> {
  const fields = (await readFile("/proc/stat", "utf8")).split("\n")[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
  const [idle = 0, iowait = 0] = [fields[3], fields[4]];
  return (fields.reduce((a, b) => a + b, 0) - idle - iowait) / 100; // USER_HZ
}

async function probeDuration(file: string): Promise<number> {
  const { stdout } = await execFileAsync("ffprobe", [
    "-v",
    "error",
    "-show_entries",
    "format=duration",
    "-of",
    "csv=p=0",
    file,
  ]);
  return Number(stdout.trim());
}

/**
 * 1 and 2: job time against the CLI tools, with one worker process (`main.ts`, as operators run it) taking jobs
 * one at a time, so the worker's event loop is not shared with this benchmark's reads, spawns and renders.
 * The PDF job is also timed with the worker inside this process (how earlier runs measured it).
 */
async function measureJobTimes(context: BenchContext): Promise<void> {
  const { stack, catalogue, ffmpeg, work, bigVideo } = context;
  const videoId = await catalogue.add(bigVideo, "video", "materials/1/big.mp4");
  const pdfId = await catalogue.add(fixture("handout-5-pages.pdf"), "pdf", "materials/1/handout.pdf");
  const inProcess = buildWorker({
    config: stack.config,
    logger: createLogger({ logLevel: "silent" }),
    database: stack.database,
    storage: stack.storage,
    connection: stack.connection,
    ffmpeg,
  });
  const seek = chooseSeekSeconds(await probeDuration(bigVideo));
  const frame = path.join(work, "frame.jpg");
  const cliFromUrl = async () => {
    const url = await stack.storage.presignedGetUrl("materials/1/big.mp4", 900);
    await execFileAsync(ffmpeg.ffmpegPath, ffmpegExtraction(url, seek, frame));
  };
  const cliFromFile = () => execFileAsync(ffmpeg.ffmpegPath, ffmpegExtraction(bigVideo, seek, frame));
  const pdftoppm = () =>
    execFileAsync("pdftoppm", [
      ...["-jpeg", "-f", "1", "-l", "1", "-scale-to-x", "480", "-scale-to-y", "-1"],
      ...[fixture("handout-5-pages.pdf"), path.join(work, "page")],
    ]);
  await inProcess.start({ queues: ["thumbnails"], schedules: [] });
  await jobTime(stack, catalogue, pdfId); // warm-up
  const pdfInProcess: number[] = [];
  for (let round = 0; round < ROUNDS * 4; round++) {
    pdfInProcess.push(await jobTime(stack, catalogue, pdfId));
    await pdftoppm();
  }
  await inProcess.close();

  const worker = new WorkerProcess(stack.env);
  await worker.waitForLog((line) => line.msg === "worker started", 120_000);
  // Warm-up: module loading (pdfjs), connection pools, page cache.
  await jobTime(stack, catalogue, videoId);
  await jobTime(stack, catalogue, pdfId);
  await cliFromUrl();
  await pdftoppm();

  const video = { job: [] as number[], cliUrl: [] as number[], cliFile: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    video.job.push(await jobTime(stack, catalogue, videoId));
    video.cliUrl.push(await timed(cliFromUrl));
    video.cliFile.push(await timed(cliFromFile));
  }
  const pdfBytes = await readFile(fixture("handout-5-pages.pdf"));
  const pdf = { job: [] as number[], cli: [] as number[], render: [] as number[] };
  for (let round = 0; round < ROUNDS * 4; round++) {
    pdf.job.push(await jobTime(stack, catalogue, pdfId));
    pdf.cli.push(await timed(pdftoppm));
    pdf.render.push(await timed(() => renderPdfThumbnail(pdfBytes)));
  }
  await worker.stop();

  out();
  out(
    `1. video job ${ms(mean(video.job))} / ffmpeg CLI from the presigned URL ${ms(mean(video.cliUrl))}` +
      ` = ${(mean(video.job) / mean(video.cliUrl)).toFixed(2)} (goal <= 1.3)` +
      `; / CLI from the local file ${ms(mean(video.cliFile))} = ${(mean(video.job) / mean(video.cliFile)).toFixed(2)}`,
  );
  out(
    `2. PDF job ${ms(mean(pdf.job))} / pdftoppm ${ms(mean(pdf.cli))} = ${(mean(pdf.job) / mean(pdf.cli)).toFixed(2)} (goal <= 1.5)` +
      `; with the worker inside this benchmark process ${ms(mean(pdfInProcess))} / pdftoppm = ${(mean(pdfInProcess) / mean(pdf.cli)).toFixed(2)}` +
      `; the render alone (pdfjs page count + pdftoppm), in this process (no queue, storage, database) ${ms(mean(pdf.render))} / pdftoppm = ${(mean(pdf.render) / mean(pdf.cli)).toFixed(2)}`,
  );
  // Leaves the queue to the throughput batch.
  await catalogue.reset([videoId, pdfId]);
}

/** How the worker processes of a throughput measurement run. */
interface ThroughputSetup {
  label: string;
  concurrency: number;
  /** Process i (and the ffmpeg it starts) runs on CPU i only. */
  pinned: boolean;
}

const THROUGHPUT_SETUPS: ThroughputSetup[] = [
  { label: "3a. one CPU per process (taskset)", concurrency: 1, pinned: true },
  { label: "3b. unpinned", concurrency: 1, pinned: false },
  { label: "3c. unpinned", concurrency: 2, pinned: false },
];

/** Restricts a process and all its threads to one CPU; threads and children it starts later inherit that. */
async function pinToCpu(pid: number | undefined, cpu: number): Promise<void> {
  if (pid === undefined) throw new Error("worker process has no pid");
  await execFileAsync("taskset", ["--all-tasks", "--pid", "--cpu-list", String(cpu), String(pid)]);
}

/** 3. throughput of worker processes (`main.ts`, as operators run it), on a queue holding only this batch. */
async function measureThroughput(context: BenchContext, ids: number[], setup: ThroughputSetup): Promise<void> {
  const { stack, catalogue } = context;
  const throughput: Record<1 | 2, number[]> = { 1: [], 2: [] };
  const busyCpus: Record<1 | 2, number[]> = { 1: [], 2: [] };
  const s3Cpus: Record<1 | 2, number[]> = { 1: [], 2: [] };
  const machineCpus: Record<1 | 2, number[]> = { 1: [], 2: [] };
  for (const processes of [1, 2, 1, 2] as const) {
    await catalogue.reset(ids);
    const env = { ...stack.env, THUMBNAIL_CONCURRENCY: String(setup.concurrency) };
    const workers = Array.from({ length: processes }, () => new WorkerProcess(env));
    try {
      if (setup.pinned) await Promise.all(workers.map((w, cpu) => pinToCpu(w.pid, cpu)));
      await Promise.all(workers.map((w) => w.waitForLog((line) => line.msg === "worker started", 120_000)));
      // Again, for threads started meanwhile by a thread that was not pinned yet.
      if (setup.pinned) await Promise.all(workers.map((w, cpu) => pinToCpu(w.pid, cpu)));
      const started = Date.now();
      const cpuBefore = await cpuSeconds(workers.map((w) => w.pid));
      const s3CpuBefore = await cpuSeconds([stack.s3Pid]);
      const machineBefore = await machineBusySeconds();
      for (const id of ids) await stack.queues.enqueueThumbnail(id);
      for (;;) {
        const counts = await stack.queues.thumbnails.getJobCounts("completed", "failed");
        if ((counts.failed ?? 0) > 0) throw new Error("a throughput job failed");
        if (counts.completed === ids.length) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // Steady state: from the WARM_UP-th finished job to the last, so each process's cold start (the first
      // PDF job imports pdfjs, ~1-3 s) is left out for one and two processes alike.
      const jobs = await stack.queues.thumbnails.getJobs(["completed"], 0, -1);
      const finishedAt = jobs.map((job) => job.finishedOn ?? 0).sort((a, b) => a - b);
      const from = finishedAt[WARM_UP - 1] ?? started;
      const to = finishedAt[finishedAt.length - 1] ?? started;
      throughput[processes].push((finishedAt.length - WARM_UP) / ((to - from) / 1000));
      const wall = (Date.now() - started) / 1000;
      busyCpus[processes].push(((await cpuSeconds(workers.map((w) => w.pid))) - cpuBefore) / wall);
      s3Cpus[processes].push(((await cpuSeconds([stack.s3Pid])) - s3CpuBefore) / wall);
      machineCpus[processes].push(((await machineBusySeconds()) - machineBefore) / wall);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
  }
  const [completed] = await stack.database.sql<{ count: number }[]>`
    select count(*)::int as count from materials where id = any(${ids}) and thumbnail_status = 'completed'`;
  out(
    `${setup.label}, THUMBNAIL_CONCURRENCY=${setup.concurrency} per process:` +
      ` one process ${throughput[1].map((x) => x.toFixed(2)).join(", ")} jobs/s,` +
      ` two ${throughput[2].map((x) => x.toFixed(2)).join(", ")} jobs/s;` +
      ` two / one = ${(mean(throughput[2]) / mean(throughput[1])).toFixed(2)}${setup.pinned ? " (goal >= 1.7)" : ""};` +
      ` rows completed ${completed?.count}/${ids.length};` +
      ` CPUs kept busy by the workers and their ffmpeg children: one process ${mean(busyCpus[1]).toFixed(2)}, two ${mean(busyCpus[2]).toFixed(2)};` +
      ` by s3rver: ${mean(s3Cpus[1]).toFixed(2)}, ${mean(s3Cpus[2]).toFixed(2)};` +
      ` by the whole machine (PostgreSQL, Redis, this benchmark and anything else included): ${mean(machineCpus[1]).toFixed(2)}, ${mean(machineCpus[2]).toFixed(2)}`,
  );
}

/**
 * The machine's own ceiling for this work: the ffmpeg CLI doing the batch's frame extraction back to back on
 * one pinned CPU, against twice as many on two (no queue, database or storage).
 */
async function measureCliCeiling(context: BenchContext): Promise<void> {
  const { ffmpeg, work } = context;
  const video = fixture("sample-720p.mp4");
  const seek = chooseSeekSeconds(await probeDuration(video));
  const runs = 12;
  const onCpu = async (cpu: number) => {
    for (let run = 0; run < runs; run++) {
      const args = ffmpegExtraction(video, seek, path.join(work, `ceiling-${cpu}.jpg`));
      await execFileAsync("taskset", ["--cpu-list", String(cpu), ffmpeg.ffmpegPath, ...args]);
    }
  };
  const one = await timed(() => onCpu(0));
  const two = await timed(() => Promise.all([onCpu(0), onCpu(1)]));
  out(
    `3d. ceiling: the ffmpeg CLI frame extraction of sample-720p.mp4, ${runs} on one pinned CPU ${ms(one)},` +
      ` ${2 * runs} on two ${ms(two)}: two / one = ${((2 * one) / two).toFixed(2)}`,
  );
}

/** The throughput batch: 2/3 short videos, 1/3 PDFs, stored once and reset before each measurement. */
async function throughputBatch(context: BenchContext): Promise<number[]> {
  const ids: number[] = [];
  for (let index = 0; index < THROUGHPUT_JOBS; index++) {
    const isPdf = index % 3 === 2;
    const file = isPdf ? fixture("handout-5-pages.pdf") : fixture("sample-720p.mp4");
    const key = `materials/1/batch-${index}.${isPdf ? "pdf" : "mp4"}`;
    ids.push(await context.catalogue.add(file, isPdf ? "pdf" : "video", key));
  }
  out();
  out(`3. throughput, ${ids.length} jobs (2/3 video, 1/3 PDF; the first ${WARM_UP} finished left out):`);
  return ids;
}

/** 4. presigned URL against download-first, on the large video, media layer only. */
async function measureSourceReads(context: BenchContext): Promise<void> {
  const { stack, ffmpeg, work, bigVideo } = context;
  const bigSize = (await stat(bigVideo)).size;
  if (!(await stack.storage.exists("materials/1/big.mp4"))) {
    await stack.storage.putStream("materials/1/big.mp4", createReadStream(bigVideo), { contentType: "video/mp4" });
  }
  const direct = { presigned: [] as number[], download: [] as number[] };
  for (let round = 0; round < Math.max(2, Math.ceil(ROUNDS / 2)); round++) {
    direct.presigned.push(
      await timed(async () => {
        const url = await stack.storage.presignedGetUrl("materials/1/big.mp4", 900);
        await renderVideoThumbnail(url, { binaries: ffmpeg });
      }),
    );
    direct.download.push(
      await timed(async () => {
        const local = path.join(work, "download.mp4");
        await pipeline(await stack.storage.getStream("materials/1/big.mp4"), createWriteStream(local));
        await renderVideoThumbnail(local, { binaries: ffmpeg });
        await rm(local);
      }),
    );
  }
  out(
    `4. large video (${(bigSize / 2 ** 20).toFixed(0)} MiB): presigned URL ${ms(mean(direct.presigned))}` +
      ` / download-first ${ms(mean(direct.download))} = ${(mean(direct.presigned) / mean(direct.download)).toFixed(2)}`,
  );
}

interface BenchContext {
  stack: BenchStack;
  catalogue: Materials;
  ffmpeg: FfmpegBinaries;
  work: string;
  bigVideo: string;
}

async function main(): Promise<void> {
  const bigVideo = await largeVideo();
  const bigSize = (await stat(bigVideo)).size;
  const stack = await startBenchStack({ THUMBNAIL_CONCURRENCY: "1", THUMBNAIL_ATTEMPTS: "1" });
  const work = await mkdtemp(path.join(tmpdir(), "bench-thumbnails-"));
  const catalogue = new Materials(stack);
  const ffmpeg = locateFfmpeg();
  try {
    await ensurePlaceholders(stack.storage);
    const context: BenchContext = { stack, catalogue, ffmpeg, work, bigVideo };
    out(
      `machine: ${(await execFileAsync("nproc")).stdout.trim()} CPUs, load ${(await readFile("/proc/loadavg", "utf8")).split(" ").slice(0, 3).join(" ")}`,
    );
    out(
      `ffmpeg: ${ffmpeg.source} ${ffmpeg.ffmpegPath}; large video ${(bigSize / 2 ** 20).toFixed(0)} MiB, 1080p, 60 s`,
    );

    if (PARTS.includes("1") || PARTS.includes("2")) await measureJobTimes(context);
    if (PARTS.includes("3")) {
      const ids = await throughputBatch(context);
      for (const setup of THROUGHPUT_SETUPS) await measureThroughput(context, ids, setup);
      await measureCliCeiling(context);
    }
    if (PARTS.includes("4")) await measureSourceReads(context);
  } finally {
    await rm(work, { recursive: true, force: true });
    await stack.close();
  }
}

await main();
