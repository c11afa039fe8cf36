/**
 * Resumable (tus) upload benchmark, over real sockets and in separate processes
 * (client = this process with tus-js-client, API = `apps/api/src/main.ts`, S3 = s3rver):
 *
 * 1. Throughput of a `--mib` (200) MiB tus upload (`--chunk-mib` per PATCH, default 64)
 *    divided by the throughput of a direct `storage.putStream` of the same bytes with
 *    the tus store's part size and parallelism (goal >= 0.85). Rounds alternate which
 *    goes first; the median of the per-round ratios is the result.
 * 2. The API's peak RSS while it receives a `--large-mib` (500) MiB tus upload minus
 *    while it receives a `--small-mib` (50) MiB one (goal < 32 MiB), each in a fresh
 *    API process after a small warm-up upload, RSS sampled every 5 ms.
 * 3. The cost of one resume: a `--mib` upload whose socket is destroyed at half, then
 *    resumed (HEAD, then PATCHes from the stored offset): bytes sent twice, time from
 *    the resume's start to its first PATCH, and total time against an uninterrupted upload.
 *
 *   pnpm tsx bench/upload/tus.ts [--mib 200] [--chunk-mib 64] [--small-mib 50] [--large-mib 500] [--rounds 5]
 *                                [--memory-rounds 3]   (`--rounds 0`: memory only)
 *                                [--profile-api <dir>] (a V8 CPU profile of the throughput rounds' API process)
 *
 * Needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 (as the tests);
 * creates and drops its own database, Redis prefix and s3rver directory (`harness.ts`).
 */
import { parseArgs } from "node:util";
import { Upload } from "tus-js-client";
import { DEFAULT_TUS_STORE_TUNING } from "../../apps/api/src/services/resumable";
import { median } from "../support/load";
import {
  deleteMaterial,
  fileSource,
  MiB,
  mib,
  out,
  peakRssWhile,
  sleep,
  stop,
  throughputRound,
  UploadBench,
} from "./harness";

const { values } = parseArgs({
  options: {
    mib: { type: "string", default: "200" },
    "chunk-mib": { type: "string", default: "64" },
    "small-mib": { type: "string", default: "50" },
    "large-mib": { type: "string", default: "500" },
    rounds: { type: "string", default: "5" },
    "memory-rounds": { type: "string", default: "3" },
    "profile-api": { type: "string" },
  },
});
const THROUGHPUT_BYTES = Number(values.mib) * MiB;
const CHUNK_BYTES = Number(values["chunk-mib"]) * MiB;
const SMALL_BYTES = Number(values["small-mib"]) * MiB;
const LARGE_BYTES = Number(values["large-mib"]) * MiB;
const ROUNDS = Number(values.rounds);
const WARMUP_BYTES = 5 * MiB;
const PATH = "/api/v1/upload/resumable";
/** Uploads left unfinished (the cut one, a failed round) never meet the per-user cap (default 5). */
const API_ENV = { RESUMABLE_MAX_UNFINISHED_PER_USER: "100" };

/** An ISO-BMFF `ftyp` box (sniffed as mp4), then one random MiB over and over. */
const MP4_HEAD = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from("ftypisom\0\0\0\0isommp42", "latin1")]);
const { bytes: fileBytes, buffer: fileBuffer } = fileSource(MP4_HEAD);

interface TusRun {
  upload: Upload;
  done: Promise<{ materialId: number; seconds: number }>;
}

/** A tus-js-client upload of a Buffer (its stream source re-concatenates its buffer on every read: slow for big chunks). */
function tus(
  endpoint: string,
  token: string,
  source: Buffer,
  size: number,
  options: {
    uploadUrl?: string;
    onProgress?: (sent: number, upload: Upload) => void;
    onChunkComplete?: (chunk: number, accepted: number) => void;
    onFirstPatch?: () => void;
  } = {},
): TusRun {
  let materialId = 0;
  let upload: Upload;
  const started = performance.now();
  const done = new Promise<{ materialId: number; seconds: number }>((resolve, reject) => {
    upload = new Upload(source, {
      endpoint,
      uploadUrl: options.uploadUrl ?? null,
      uploadSize: size,
      chunkSize: CHUNK_BYTES,
      retryDelays: null,
      storeFingerprintForResuming: false,
      headers: { Authorization: `Bearer ${token}` },
      metadata: { filename: "bench.mp4", title: "Benchmark" },
      onProgress: (sent) => options.onProgress?.(sent, upload),
      onChunkComplete: (chunk, accepted) => options.onChunkComplete?.(chunk, accepted),
      onBeforeRequest: (req) => {
        if (req.getMethod() === "PATCH") options.onFirstPatch?.();
      },
      onAfterResponse: (_req, res) => {
        const header = res.getHeader("X-Material-Id");
        if (header) materialId = Number(header);
      },
      onSuccess: () => resolve({ materialId, seconds: (performance.now() - started) / 1000 }),
      onError: reject,
    });
    upload.start();
  });
  // biome-ignore lint/style/noNonNullAssertion: assigned synchronously by the executor above
  return { upload: upload!, done };
}

/** Peak RSS of a fresh API process while it receives one tus upload of `bytes`, after a warm-up upload. */
async function peakRssDuring(bench: UploadBench, bytes: number) {
  const api = await bench.startApi({ env: API_ENV });
  try {
    const token = await bench.login(api);
    const endpoint = `${api.origin}${PATH}`;
    const warm = await tus(endpoint, token, fileBuffer(WARMUP_BYTES), WARMUP_BYTES).done;
    await deleteMaterial(api, token, warm.materialId);
    const file = fileBuffer(bytes);
    const { result, ...memory } = await peakRssWhile(api.pid, () => tus(endpoint, token, file, bytes).done);
    await deleteMaterial(api, token, result.materialId);
    return { ...memory, seconds: result.seconds };
  } finally {
    await stop(api.child);
  }
}

const bench = await UploadBench.start("tus");
try {
  const putOptions = {
    contentType: "video/mp4",
    partSizeBytes: DEFAULT_TUS_STORE_TUNING.partSizeBytes,
    maxPartsInFlight: DEFAULT_TUS_STORE_TUNING.maxPartsInFlight,
  };
  out(
    `store parts ${mib(putOptions.partSizeBytes)} MiB, ${putOptions.maxPartsInFlight} in flight; ` +
      `PATCH chunks ${mib(CHUNK_BYTES)} MiB; ${ROUNDS} rounds of ${mib(THROUGHPUT_BYTES)} MiB`,
  );
  // `--rounds 0` measures memory only.
  const file = fileBuffer(ROUNDS > 0 ? THROUGHPUT_BYTES : WARMUP_BYTES);
  const directPut = (bytes: number) => bench.directPut(fileBytes(bytes), putOptions);
  const profile = values["profile-api"];
  const api = await bench.startApi({
    env: API_ENV,
    nodeArgs: profile ? ["--cpu-prof", "--cpu-prof-dir", profile] : [],
  });
  const endpoint = `${api.origin}${PATH}`;
  const token = await bench.login(api);
  const direct: number[] = [];
  const viaTus: number[] = [];
  const ratios: number[] = [];
  await directPut(WARMUP_BYTES);
  const warm = await tus(endpoint, token, fileBuffer(WARMUP_BYTES), WARMUP_BYTES).done;
  await deleteMaterial(api, token, warm.materialId);
  for (let round = 1; round <= ROUNDS; round++) {
    const {
      directMiBps: d,
      apiMiBps: t,
      directCpu,
      apiCpu,
    } = await throughputRound({
      round,
      bytes: THROUGHPUT_BYTES,
      pids: { api: api.pid, s3rver: bench.s3Pid },
      direct: () => directPut(THROUGHPUT_BYTES),
      viaApi: () => tus(endpoint, token, file, file.length).done,
      remove: (materialId) => deleteMaterial(api, token, materialId),
    });
    direct.push(d);
    viaTus.push(t);
    ratios.push(t / d);
    out(
      `round ${round}: direct putStream ${d.toFixed(1)} MiB/s, tus ${t.toFixed(1)} MiB/s, ratio ${(t / d).toFixed(3)}`,
    );
    out(`  CPU seconds: direct (${directCpu}); tus (${apiCpu})`);
  }

  // The cost of one resume.
  if (ROUNDS > 0) {
    let sentAtCut = 0;
    const cut = tus(endpoint, token, file, file.length, {
      onProgress: (sent, upload) => {
        if (sentAtCut === 0 && sent >= file.length / 2) {
          sentAtCut = sent;
          void upload.abort(); // destroys the socket mid-PATCH
        }
      },
    });
    cut.done.catch(() => {});
    const cutStarted = performance.now();
    while (sentAtCut === 0) await sleep(10);
    const beforeCut = (performance.now() - cutStarted) / 1000;
    let firstPatchAt = 0;
    let offset = -1;
    const resumeStarted = performance.now();
    const resumed = tus(endpoint, token, file, file.length, {
      uploadUrl: cut.upload.url ?? "",
      onFirstPatch: () => {
        if (firstPatchAt === 0) firstPatchAt = performance.now();
      },
      onChunkComplete: (chunk, accepted) => {
        if (offset < 0) offset = accepted - chunk; // where the resumed upload started
      },
    });
    const result = await resumed.done;
    await deleteMaterial(api, token, result.materialId);
    const resumeToPatchMs = firstPatchAt - resumeStarted;
    const totalWithCut = beforeCut + result.seconds;
    const plain = mib(THROUGHPUT_BYTES) / median(viaTus);
    out(
      `resume: cut at ${mib(sentAtCut).toFixed(1)} MiB sent, server kept ${mib(offset).toFixed(1)} MiB → ` +
        `${mib(sentAtCut - offset).toFixed(2)} MiB sent twice; resume to first PATCH ${resumeToPatchMs.toFixed(0)} ms; ` +
        `total ${totalWithCut.toFixed(1)} s vs ${plain.toFixed(1)} s uninterrupted`,
    );
    out(
      `throughput ratio tus / direct putStream, median of ${ROUNDS} rounds: ${median(ratios).toFixed(3)} (goal >= 0.85)`,
    );
    out(
      JSON.stringify({
        directMiBps: Number(median(direct).toFixed(1)),
        tusMiBps: Number(median(viaTus).toFixed(1)),
        throughputRatio: Number(median(ratios).toFixed(3)),
        resentMiB: Number(mib(sentAtCut - offset).toFixed(2)),
        resumeToFirstPatchMs: Math.round(resumeToPatchMs),
        totalWithCutSeconds: Number(totalWithCut.toFixed(1)),
        uninterruptedSeconds: Number(plain.toFixed(1)),
      }),
    );
  }
  await stop(api.child); // writes the profile, if asked for

  const memory: { small: number[]; large: number[] } = { small: [], large: [] };
  for (let round = 1; round <= Number(values["memory-rounds"]); round++) {
    const order = round % 2 === 1 ? (["small", "large"] as const) : (["large", "small"] as const);
    for (const size of order) {
      const bytes = size === "small" ? SMALL_BYTES : LARGE_BYTES;
      const result = await peakRssDuring(bench, bytes);
      memory[size].push(result.peak);
      out(
        `memory round ${round}, ${mib(bytes)} MiB tus upload: RSS before ${mib(result.before).toFixed(1)} MiB, ` +
          `peak during ${mib(result.peak).toFixed(1)} MiB, VmHWM ${mib(result.hwm).toFixed(1)} MiB ` +
          `(${(mib(bytes) / result.seconds).toFixed(1)} MiB/s)`,
      );
    }
  }
  if (memory.large.length > 0) {
    const growth = median(memory.large) - median(memory.small);
    out(
      `peak RSS ${mib(LARGE_BYTES)} MiB tus upload - ${mib(SMALL_BYTES)} MiB: ${mib(growth).toFixed(1)} MiB (goal < 32)`,
    );
  }
} finally {
  await bench.close();
}
