export { createLogger } from "./logger";
export { onShutdownSignal } from "./shutdown";
export { logUnhandledRejections } from "./unhandled";
export { TimeoutError, withTimeout } from "./with-timeout";
