/**
 * s3rver in a process of its own, so the S3 server shares no event loop with
 * the API or the benchmark client. Prints `{"port":N}` once listening.
 *
 *   tsx bench/upload/s3rver-process.ts <directory>
 */
import { createServer } from "node:http";
import S3rver from "s3rver";

const directory = process.argv[2];
if (!directory) throw new Error("usage: s3rver-process.ts <directory>");

const server = createServer(new S3rver({ silent: true, directory }).callback());
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ port })}\n`);
});
process.once("SIGTERM", () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
