const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** Resolves on the first SIGINT, SIGTERM or SIGHUP; later ones are absorbed while the launcher stops things. */
export function shutdownRequested(onSignal?: (signal: NodeJS.Signals) => void): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    for (const signal of SIGNALS) {
      process.on(signal, () => {
        onSignal?.(signal);
        resolve(signal);
      });
    }
  });
}
