import { setTimeout as sleep } from "node:timers/promises";
import { log } from "./log";
import { type AppProcess, type Exit, exitCode, spawnApp, stopApp } from "./processes";

export interface RestartPolicy {
  /** Wait before the first restart; it doubles with each exit in a row that came soon after a start. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** A run at least this long counts as a good start: the next exit waits `initialDelayMs` again. */
  stableAfterMs: number;
  /** Exits in a row soon after a start before the launcher gives up (the app cannot start at all). */
  maxQuickExits: number;
}

/** The wait before restarting after the `quickExits`-th exit in a row (1-based): doubling, capped. */
export function restartDelayMs(policy: RestartPolicy, quickExits: number): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, quickExits - 1));
}

/**
 * An app of `pnpm start` that is started again, with backoff, whenever it exits on its own: a
 * crashed worker or API comes back without taking the rest of the stack down. It gives up (and
 * `gaveUp` resolves) only when it keeps exiting right after starting, e.g. on a configuration error.
 */
export class SupervisedApp {
  /** Resolves with the last exit once the launcher stops restarting the app; never if `stop()` came first. */
  readonly gaveUp: Promise<Exit>;
  #current: AppProcess | undefined;
  #stopping = false;
  readonly #stopWaiting = new AbortController();
  readonly #loop: Promise<void>;

  constructor(
    readonly name: string,
    private readonly entry: string,
    private readonly options: { cwd: string; env: NodeJS.ProcessEnv },
    private readonly policy: RestartPolicy,
  ) {
    let giveUp: (exit: Exit) => void = () => {};
    this.gaveUp = new Promise((resolve) => {
      giveUp = resolve;
    });
    this.#loop = this.#run().then((exit) => {
      if (exit) giveUp(exit);
    });
  }

  async #run(): Promise<Exit | undefined> {
    let quickExits = 0;
    for (;;) {
      const since = performance.now();
      this.#current = spawnApp(this.name, this.entry, this.options);
      const exit = await this.#current.exited;
      if (this.#stopping) return undefined;
      quickExits = performance.now() - since >= this.policy.stableAfterMs ? 1 : quickExits + 1;
      if (quickExits > this.policy.maxQuickExits) {
        log(
          `${this.name} exited (code ${exitCode(exit)}) ${quickExits} times in a row right after starting; giving up`,
        );
        return exit;
      }
      const delay = restartDelayMs(this.policy, quickExits);
      log(`${this.name} exited (code ${exitCode(exit)}); restarting it in ${(delay / 1000).toFixed(1)} s`);
      try {
        await sleep(delay, undefined, { signal: this.#stopWaiting.signal });
      } catch {
        return undefined; // stop() during the wait
      }
      if (this.#stopping) return undefined;
    }
  }

  /** Stops the app (SIGTERM, then SIGKILL after `timeoutMs`) and restarts it no more. */
  async stop(timeoutMs: number): Promise<void> {
    this.#stopping = true;
    this.#stopWaiting.abort();
    if (this.#current) await stopApp(this.#current, timeoutMs);
    await this.#loop;
  }
}
