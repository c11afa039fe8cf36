import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Where the provided services keep data, ownership records and logs. */
export interface StackPaths {
  dataDir: string;
  runDir: string;
  logDir: string;
}

export function stackPaths(configuredDir: string | undefined): StackPaths {
  const dataDir = configuredDir === undefined ? join(REPO_ROOT, ".data") : resolve(configuredDir);
  return { dataDir, runDir: join(dataDir, "run"), logDir: join(dataDir, "logs") };
}

/**
 * What a launcher may do with a service it finds running without a live owner (left behind by a
 * launcher that died): `start` adopts it and stops it at the end; a helper run (`exec`) uses it and
 * leaves it running, so it can never stop what another launcher runs.
 */
export type Orphans = "adopt" | "leave";

/** A service the launcher provides: the variables that point the apps at it, and how to stop it. */
export interface ProvidedService {
  name: string;
  env: Record<string, string>;
  /** Stops the service if this launcher started (or adopted) it; a no-op for one reused from another launcher. */
  stop(): Promise<void>;
}
