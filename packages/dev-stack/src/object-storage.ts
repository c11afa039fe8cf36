import { mkdir } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import S3rver from "s3rver";
import { errorMessage, log, StackError } from "./log";
import { isPortOpen } from "./net";
import { OwnershipFile } from "./ownership";
import type { ProvidedService, StackPaths } from "./stack";

/** s3rver accepts only its built-in account. */
const ACCESS_KEY = "S3RVER";
const SECRET_KEY = "S3RVER";

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // The apps are stopped by now; what is left are idle keep-alive sockets.
    server.closeAllConnections();
  });
}

function inUse(port: number): StackError {
  return new StackError(
    `port ${port} is already in use: free it, set DEV_S3_PORT to a free port, or set S3_ENDPOINT to an existing S3 server`,
  );
}

function listen(s3rver: S3rver, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer(s3rver.callback());
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}

/**
 * Listens on 127.0.0.1 and, where the machine has IPv6, on ::1, so that `localhost` reaches
 * s3rver whichever address a client tries first. (s3rver's own `run()` listens on one address
 * and leaves listen errors unhandled.)
 */
async function listenOnLoopback(s3rver: S3rver, port: number): Promise<Server[]> {
  const servers: Server[] = [];
  try {
    servers.push(await listen(s3rver, port, "127.0.0.1"));
    servers.push(await listen(s3rver, port, "::1"));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (servers.length === 1 && (code === "EADDRNOTAVAIL" || code === "EAFNOSUPPORT")) return servers;
    await Promise.all(servers.map(close));
    if (code === "EADDRINUSE") throw inUse(port);
    throw new StackError(`s3rver failed to listen on port ${port}: ${errorMessage(error)}`);
  }
  return servers;
}

export async function provideObjectStorage(paths: StackPaths, port: number, bucket: string): Promise<ProvidedService> {
  const endpoint = `http://localhost:${port}`;
  const env = {
    S3_ENDPOINT: endpoint,
    S3_ACCESS_KEY: ACCESS_KEY,
    S3_SECRET_KEY: SECRET_KEY,
    S3_BUCKET: bucket,
    STORAGE_PUBLIC_URL: `${endpoint}/${bucket}`,
  };
  const ownership = new OwnershipFile(paths.runDir, "s3rver");
  // s3rver runs inside the launcher that started it: it never outlives its owner.
  if ((await ownership.ownedByOtherLauncher(port)) && (await isPortOpen(port))) {
    log(`object storage: reusing the s3rver of another launcher on port ${port}`);
    return { name: "s3rver", env, stop: async () => {} };
  }

  const directory = join(paths.dataDir, "s3");
  await mkdir(directory, { recursive: true });
  const s3rver = new S3rver({ directory, silent: true, configureBuckets: [{ name: bucket, configs: [] }] });
  await s3rver.configureBuckets();
  const servers = await listenOnLoopback(s3rver, port);
  await ownership.claim(process.pid, port);
  log(`object storage: s3rver on ${endpoint}, bucket ${bucket} (data ${directory})`);
  return {
    name: "s3rver",
    env,
    stop: async () => {
      await Promise.all(servers.map(close));
      await ownership.release();
    },
  };
}
