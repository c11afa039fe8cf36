/**
 * s3rver in a process of its own, so the object store does not share the benchmark's event loop.
 * Prints `ready <port>` once listening; stops on SIGTERM.
 *
 *   node --import tsx bench/thumbnails/s3-server.ts <directory>
 */
import S3rver from "s3rver";

const directory = process.argv[2];
if (!directory) throw new Error("usage: s3-server.ts <directory>");
const server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory });
const { port } = await server.run();
process.stdout.write(`ready ${port}\n`);
process.once("SIGTERM", () => {
  void server.close().then(() => process.exit(0));
});
