import { childEnvironment, configuredServiceUrls, devStackSettings } from "@learning-hub/config";
import { log } from "./log";
import { waitUntil } from "./net";
import { exitCode } from "./processes";
import { provideServices } from "./services";
import { shutdownRequested } from "./shutdown";
import { REPO_ROOT, stackPaths } from "./stack";
import { type RestartPolicy, SupervisedApp } from "./supervisor";

const APPS = [
  { name: "api", entry: "apps/api/src/main.ts" },
  { name: "worker", entry: "apps/worker/src/main.ts" },
];
const APP_STOP_TIMEOUT_MS = 8_000;
const RESTART_POLICY: RestartPolicy = {
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
  stableAfterMs: 10_000,
  maxQuickExits: 5,
};
const HEALTH_TIMEOUT_MS = 60_000;

async function announceWhenHealthy(apiPort: number, storageUrl: string, stopped: () => boolean): Promise<void> {
  const since = performance.now();
  const healthy = await waitUntil(
    async () => stopped() || (await fetch(`http://127.0.0.1:${apiPort}/health`)).ok,
    HEALTH_TIMEOUT_MS,
    250,
  );
  if (stopped()) return;
  if (!healthy) {
    log(`the API has not answered GET /health on port ${apiPort} within ${HEALTH_TIMEOUT_MS / 1000} s`);
    return;
  }
  const api = `http://localhost:${apiPort}`;
  const seconds = ((performance.now() - since) / 1000).toFixed(1);
  log(`ready: API ${api} · docs ${api}/docs · storage ${storageUrl} · Ctrl-C to stop (apps up in ${seconds} s)`);
}

/**
 * `start`: services, then the API and the worker. An app that exits is restarted with backoff;
 * everything stops on a signal, or when an app keeps failing right after starting.
 */
export async function runStart(): Promise<number> {
  let stopping = false;
  const signal = shutdownRequested((received) => {
    if (!stopping) log(`${received} received, stopping`);
    stopping = true;
  });

  const since = performance.now();
  const settings = devStackSettings();
  const configured = configuredServiceUrls();
  const services = await provideServices(configured, settings, stackPaths(settings.dataDir), "adopt");
  if (stopping) {
    await services.stop();
    return 0;
  }

  log(`services up in ${((performance.now() - since) / 1000).toFixed(1)} s`);
  const env = childEnvironment(services.env);
  const apps = APPS.map(({ name, entry }) => new SupervisedApp(name, entry, { cwd: REPO_ROOT, env }, RESTART_POLICY));
  try {
    const storageUrl = env.STORAGE_PUBLIC_URL ?? configured.s3Endpoint ?? "";
    void announceWhenHealthy(settings.apiPort, storageUrl, () => stopping);

    const outcome = await Promise.race([
      signal.then(() => undefined),
      ...apps.map((app) => app.gaveUp.then((exit) => ({ app, exit }))),
    ]);
    stopping = true;
    if (outcome === undefined) return 0;
    log(`${outcome.app.name} cannot start; stopping everything`);
    return exitCode(outcome.exit) || 1;
  } finally {
    stopping = true;
    await Promise.all(apps.map((app) => app.stop(APP_STOP_TIMEOUT_MS)));
    await services.stop();
    log("stopped");
  }
}
