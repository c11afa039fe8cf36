interface RejectionLogger {
  error(obj: object, msg: string): void;
}

/**
 * Logs a promise rejection nobody handled instead of letting Node print it to stderr and exit: one
 * forgotten `catch` in a job helper must not take the process (and every job it runs) down.
 */
export function logUnhandledRejections(logger: RejectionLogger): void {
  process.on("unhandledRejection", (reason) => logger.error({ err: reason }, "unhandled promise rejection"));
}
