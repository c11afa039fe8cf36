import { connect, createServer, type Server, type Socket } from "node:net";
import { Transform, type TransformCallback } from "node:stream";

/** Passes bytes on at about `bytesPerSecond`, in slices every 50 ms. */
function throttle(bytesPerSecond: number): Transform {
  const tickMs = 50;
  const slice = Math.max(1, Math.round((bytesPerSecond * tickMs) / 1000));
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      let offset = 0;
      const pushNext = () => {
        this.push(chunk.subarray(offset, offset + slice));
        offset += slice;
        if (offset >= chunk.length) callback();
        else setTimeout(pushNext, tickMs);
      };
      setTimeout(pushNext, tickMs);
    },
  });
}

/**
 * A TCP forwarder that slows down what the server sends back, so an object read through it (e.g. by ffmpeg
 * from a presigned URL) takes long. Requests pass at full speed. Counts connections so a test can tell when a
 * reader has started.
 */
export class ThrottledProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  connections = 0;
  port = 0;

  constructor(
    private readonly target: { host: string; port: number },
    private readonly bytesPerSecond: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = createServer((client) => {
      this.connections++;
      const upstream = connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on("close", () => this.sockets.delete(socket));
        socket.on("error", () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(throttle(this.bytesPerSecond)).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.server = server;
    this.port = (server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** The host and port of an http(s) URL, e.g. the S3 endpoint the proxy stands in front of. */
export function hostAndPort(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port || (parsed.protocol === "https:" ? 443 : 80)) };
}
