interface ShutdownLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * Runs `shutdown` once on SIGTERM/SIGINT, then exits 0; exits 1 if it fails or
 * has not finished within `timeoutSeconds`, so a stuck pool never keeps the
 * process alive.
 */
export function onShutdownSignal(logger: ShutdownLogger, timeoutSeconds: number, shutdown: () => Promise<void>): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    const timer = setTimeout(() => {
      logger.error({ timeoutSeconds }, "shutdown timed out, exiting");
      process.exit(1);
    }, timeoutSeconds * 1000);
    timer.unref();
    shutdown().then(
      () => {
        logger.info({}, "shutdown complete");
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", handle);
  process.once("SIGINT", handle);
}
