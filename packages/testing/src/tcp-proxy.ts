import { connect, createServer, type Server, type Socket } from "node:net";
import type { Transform } from "node:stream";

export interface TcpProxyOptions {
  /** A fresh transform per connection for what the service sends back (e.g. a throttle). */
  transformResponse?: () => Transform;
}

interface ProxiedConnection {
  client: Socket;
  upstream: Socket;
  /** The transform between the service's answers and the client, when the proxy has one. */
  response?: Transform;
}

/**
 * A TCP forwarder in front of a real service, so a test can make the service
 * unreachable (`pause`) and reachable again (`resume`) without stopping it,
 * freeze it (`freeze`: connections stay open but nothing moves either way, like
 * a SIGSTOPped server) or slow down its answers. Counts connections so a test
 * can tell when a client has started talking to it.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly proxied = new Set<ProxiedConnection>();
  private frozen = false;
  port = 0;
  connections = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
    private readonly options: TcpProxyOptions = {},
  ) {}

  /** `http://127.0.0.1:<port>`: the proxy as an endpoint URL. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(port = 0): Promise<number> {
    const server = createServer((client) => {
      this.connections++;
      const upstream = connect(this.targetPort, this.targetHost);
      const connection: ProxiedConnection = { client, upstream, response: this.options.transformResponse?.() };
      this.proxied.add(connection);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on("close", () => {
          this.sockets.delete(socket);
          this.proxied.delete(connection);
        });
        socket.on("error", () => {
          client.destroy();
          upstream.destroy();
        });
      }
      connection.response?.pipe(client);
      if (!this.frozen) forward(connection);
    });
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    this.server = server;
    this.port = (server.address() as { port: number }).port;
    return this.port;
  }

  /** Closes the listener and cuts every open connection: the service looks down. */
  async pause(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }

  async resume(): Promise<void> {
    await this.start(this.port);
  }

  /** Stops moving bytes on every connection, open or new, without closing any: the service looks hung. */
  freeze(): void {
    this.frozen = true;
    for (const { client, upstream } of this.proxied) {
      client.unpipe();
      upstream.unpipe();
      client.pause();
      upstream.pause();
    }
  }

  /** Moves bytes again; what was sent meanwhile is delivered. */
  thaw(): void {
    this.frozen = false;
    for (const connection of this.proxied) forward(connection);
  }

  async stop(): Promise<void> {
    await this.pause();
  }

  /** `url` (e.g. a service's DATABASE_URL or REDIS_URL) pointing at this proxy instead. */
  proxiedUrl(url: string): string {
    const proxied = new URL(url);
    proxied.hostname = "127.0.0.1";
    proxied.port = String(this.port);
    return proxied.toString();
  }

  /** A proxy in front of the host and port of a service URL (http(s), postgres or redis). */
  static forUrl(url: string, options?: TcpProxyOptions): TcpProxy {
    const parsed = new URL(url);
    const port = Number(parsed.port || DEFAULT_PORTS[parsed.protocol] || 80);
    return new TcpProxy(parsed.hostname, port, options);
  }
}

function forward({ client, upstream, response }: ProxiedConnection): void {
  client.pipe(upstream);
  upstream.pipe(response ?? client);
}

const DEFAULT_PORTS: Record<string, number> = {
  "https:": 443,
  "postgres:": 5432,
  "postgresql:": 5432,
  "redis:": 6379,
  "rediss:": 6379,
};
