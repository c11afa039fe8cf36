/**
 * Throughput and memory of putStream against putBuffer for one large object.
 *
 *   pnpm tsx packages/storage/bench/put-stream.ts --endpoint http://127.0.0.1:9000 --mode stream|buffer [--mib 100]
 *
 * Run each mode in its own process so peak RSS is not shared between them. Prints one JSON line.
 */
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { parseArgs } from "node:util";
import { createStorage } from "../src/index";

const MiB = 1024 * 1024;
const { values } = parseArgs({
  options: {
    endpoint: { type: "string" },
    mode: { type: "string", default: "stream" },
    mib: { type: "string", default: "100" },
    bucket: { type: "string", default: "bench-storage" },
  },
});
if (!values.endpoint) throw new Error("--endpoint is required (an S3 server such as s3rver)");
const totalBytes = Number(values.mib) * MiB;

const storage = createStorage({
  endpoint: values.endpoint,
  region: "us-east-1",
  accessKey: "S3RVER",
  secretKey: "S3RVER",
  bucket: values.bucket,
  publicUrl: `${values.endpoint}/${values.bucket}`,
});
await storage.ensureBucket();

// One random MiB repeated: the source costs next to nothing, so the figures are the upload's.
const block = randomBytes(MiB);
function* blocks(): Generator<Buffer> {
  for (let sent = 0; sent < totalBytes; sent += MiB) yield block.subarray(0, Math.min(MiB, totalBytes - sent));
}

const baselineRss = process.memoryUsage().rss;
let peakRss = baselineRss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 10);

const started = performance.now();
if (values.mode === "stream") {
  await storage.putStream("bench/stream.bin", Readable.from(blocks()), { contentType: "application/octet-stream" });
} else {
  await storage.putBuffer("bench/buffer.bin", Buffer.concat([...blocks()]), "application/octet-stream");
}
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);

process.stdout.write(
  `${JSON.stringify({
    mode: values.mode,
    mib: Number(values.mib),
    seconds: Number(seconds.toFixed(2)),
    mibPerSecond: Number((totalBytes / MiB / seconds).toFixed(1)),
    peakRssAboveBaselineMiB: Number(((peakRss - baselineRss) / MiB).toFixed(1)),
  })}\n`,
);
