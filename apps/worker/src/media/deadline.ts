import { MediaError } from "./media-error";

export interface Deadline {
  /** Aborts on timeout or when the caller's signal aborts; its `reason` is the MediaError to throw. */
  readonly signal: AbortSignal;
  /** Throws the MediaError if the deadline has passed or the caller aborted. */
  throwIfAborted(): void;
  dispose(): void;
}

/** One AbortSignal for a whole operation (probe + render), so every child process and step shares the budget. */
export function startDeadline(timeoutMs: number, what: string, callerSignal?: AbortSignal): Deadline {
  const controller = new AbortController();
  const abortByCaller = () => controller.abort(new MediaError("ABORTED", `${what} was aborted`));
  const timer = setTimeout(
    () => controller.abort(new MediaError("TIMEOUT", `${what} timed out after ${timeoutMs} ms`)),
    timeoutMs,
  );
  timer.unref();
  if (callerSignal?.aborted) abortByCaller();
  else callerSignal?.addEventListener("abort", abortByCaller, { once: true });

  return {
    signal: controller.signal,
    throwIfAborted() {
      if (controller.signal.aborted) throw controller.signal.reason;
    },
    dispose() {
      clearTimeout(timer);
      callerSignal?.removeEventListener("abort", abortByCaller);
    },
  };
}
