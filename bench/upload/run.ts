/**
 * Upload benchmark, everything over real sockets and in separate processes
 * (client = this process, API = `apps/api/src/main.ts`, S3 = s3rver):
 *
 * 1. Throughput of `POST /api/v1/upload` of a `--mib` (200) MiB video divided by
 *    the throughput of a direct `storage.putStream` of the same bytes to the same
 *    s3rver, with the same part size and parallelism (goal >= 0.85). Rounds
 *    alternate which goes first; each round gives a ratio of its two back-to-back
 *    runs (so load from other processes hits both alike), and the median of those
 *    ratios is the result.
 * 2. The API process's peak RSS while it receives a `--large-mib` (500) MiB upload
 *    minus while it receives a `--small-mib` (50) MiB one (goal < 32 MiB), each in
 *    a fresh API process after one small warm-up upload, RSS sampled from
 *    /proc/<pid>/status every 5 ms during the upload (VmHWM printed as well).
 *
 *   pnpm tsx bench/upload/run.ts [--mib 200] [--small-mib 50] [--large-mib 500] [--rounds 7]
 *
 * Needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 (as the tests);
 * creates and drops its own database, Redis prefix and s3rver directory (`harness.ts`).
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { Readable } from "node:stream";
import { parseArgs } from "node:util";
import { DEFAULT_UPLOAD_TUNING } from "../../apps/api/src/services/upload-service";
import { ensureTestMedia, testMediaPath } from "../../packages/testing/src/media";
import { median } from "../support/load";
import {
  type Api,
  deleteMaterial,
  fileSource,
  MiB,
  mib,
  out,
  peakRssWhile,
  stop,
  throughputRound,
  UploadBench,
} from "./harness";

const { values } = parseArgs({
  options: {
    mib: { type: "string", default: "200" },
    "small-mib": { type: "string", default: "50" },
    "large-mib": { type: "string", default: "500" },
    rounds: { type: "string", default: "7" },
  },
});
const THROUGHPUT_BYTES = Number(values.mib) * MiB;
const SMALL_BYTES = Number(values["small-mib"]) * MiB;
const LARGE_BYTES = Number(values["large-mib"]) * MiB;
const ROUNDS = Number(values.rounds);
const WARMUP_BYTES = 5 * MiB;

// The file: a real mp4's ftyp box, then one random MiB over and over (free to produce, so the figures are the upload's).
await ensureTestMedia();
const { bytes: fileBytes } = fileSource(readFileSync(testMediaPath("sample-720p.mp4")).subarray(0, 64));

/** `POST /api/v1/upload` with a known content length, streamed with backpressure; seconds until the 201 arrived. */
async function uploadOverHttp(
  api: Api,
  token: string,
  bytes: number,
): Promise<{ seconds: number; materialId: number }> {
  const boundary = `----bench${randomBytes(8).toString("hex")}`;
  const preamble = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nBenchmark\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.mp4"\r\n` +
      "Content-Type: video/mp4\r\n\r\n",
  );
  const epilogue = Buffer.from(`\r\n--${boundary}--\r\n`);
  const body = Readable.from(
    (function* () {
      yield preamble;
      yield* fileBytes(bytes);
      yield epilogue;
    })(),
  );
  const started = performance.now();
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request({
      host: "127.0.0.1",
      port: api.port,
      method: "POST",
      path: "/api/v1/upload",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": `multipart/form-data; boundary=${boundary}`,
        "content-length": preamble.length + bytes + epilogue.length,
      },
    });
    req.on("error", reject);
    req.on("response", async (res) => {
      let text = "";
      for await (const chunk of res) text += chunk;
      resolve({ status: res.statusCode ?? 0, text });
    });
    body.pipe(req);
  });
  const seconds = (performance.now() - started) / 1000;
  if (status !== 201) throw new Error(`upload answered ${status}: ${text}`);
  return { seconds, materialId: Number(JSON.parse(text).id) };
}

/** Peak RSS of the API process while it receives one upload of `bytes`, in a fresh process. */
async function peakRssDuring(bench: UploadBench, token: string, bytes: number) {
  const api = await bench.startApi();
  try {
    await deleteMaterial(api, token, (await uploadOverHttp(api, token, WARMUP_BYTES)).materialId);
    const { result: upload, ...memory } = await peakRssWhile(api.pid, () => uploadOverHttp(api, token, bytes));
    await deleteMaterial(api, token, upload.materialId);
    return { ...memory, seconds: upload.seconds };
  } finally {
    await stop(api.child);
  }
}

const bench = await UploadBench.start("upload");
try {
  const putOptions = {
    contentType: "video/mp4",
    partSizeBytes: DEFAULT_UPLOAD_TUNING.partSizeBytes,
    maxPartsInFlight: DEFAULT_UPLOAD_TUNING.maxPartsInFlight,
  };
  const directPut = (bytes: number) => bench.directPut(fileBytes(bytes), putOptions);

  out(
    `part size ${mib(putOptions.partSizeBytes)} MiB, ${putOptions.maxPartsInFlight} parts in flight; ` +
      `${ROUNDS} rounds of ${mib(THROUGHPUT_BYTES)} MiB`,
  );
  const api = await bench.startApi();
  const token = await bench.login(api);
  const direct: number[] = [];
  const viaApi: number[] = [];
  const ratios: number[] = [];
  // Warm-up of both paths (JIT, pools, s3rver's bucket directory).
  await directPut(WARMUP_BYTES);
  await deleteMaterial(api, token, (await uploadOverHttp(api, token, WARMUP_BYTES)).materialId);
  for (let round = 1; round <= ROUNDS; round++) {
    const {
      directMiBps: d,
      apiMiBps: a,
      directCpu,
      apiCpu,
    } = await throughputRound({
      round,
      bytes: THROUGHPUT_BYTES,
      pids: { api: api.pid, s3rver: bench.s3Pid },
      direct: () => directPut(THROUGHPUT_BYTES),
      viaApi: () => uploadOverHttp(api, token, THROUGHPUT_BYTES),
      remove: (materialId) => deleteMaterial(api, token, materialId),
    });
    direct.push(d);
    viaApi.push(a);
    ratios.push(a / d);
    out(
      `round ${round}: direct putStream ${d.toFixed(1)} MiB/s, POST /upload ${a.toFixed(1)} MiB/s, ratio ${(a / d).toFixed(3)}`,
    );
    out(`  CPU seconds: direct (${directCpu}); upload (${apiCpu})`);
  }
  await stop(api.child);
  const ratio = median(ratios);
  out(
    `throughput ratio POST /upload / direct putStream, median of ${ROUNDS} rounds: ${ratio.toFixed(3)} (goal >= 0.85)`,
  );

  const memory: { small: number[]; large: number[] } = { small: [], large: [] };
  for (let round = 1; round <= Math.min(ROUNDS, 2); round++) {
    const order = round % 2 === 1 ? (["small", "large"] as const) : (["large", "small"] as const);
    for (const size of order) {
      const bytes = size === "small" ? SMALL_BYTES : LARGE_BYTES;
      const result = await peakRssDuring(bench, token, bytes);
      memory[size].push(result.peak);
      out(
        `memory round ${round}, ${mib(bytes)} MiB upload: RSS before ${mib(result.before).toFixed(1)} MiB, ` +
          `peak during ${mib(result.peak).toFixed(1)} MiB, VmHWM ${mib(result.hwm).toFixed(1)} MiB ` +
          `(${(mib(bytes) / result.seconds).toFixed(1)} MiB/s)`,
      );
    }
  }
  const rssGrowth = median(memory.large) - median(memory.small);
  out(
    `peak RSS ${mib(LARGE_BYTES)} MiB upload - ${mib(SMALL_BYTES)} MiB upload: ${mib(rssGrowth).toFixed(1)} MiB (goal < 32)`,
  );
  out(
    JSON.stringify({
      directMiBps: Number(median(direct).toFixed(1)),
      apiMiBps: Number(median(viaApi).toFixed(1)),
      throughputRatio: Number(ratio.toFixed(3)),
      peakRssSmallMiB: Number(mib(median(memory.small)).toFixed(1)),
      peakRssLargeMiB: Number(mib(median(memory.large)).toFixed(1)),
      rssGrowthMiB: Number(mib(rssGrowth).toFixed(1)),
    }),
  );
} finally {
  await bench.close();
}
