import { randomUUID } from "node:crypto";
import type { ResumableUploadsRepository } from "@learning-hub/db/repositories/resumable-uploads";
import { ERRORS, type Lock, type Locker, type RequestRelease } from "@tus/utils";

export interface UploadLockTiming {
  /** A holder that died stops blocking others after this long. */
  leaseMs: number;
  /** How often a live holder renews its lease. */
  renewMs: number;
  /** How long a request waits for the lock before giving up. */
  acquireTimeoutMs: number;
  /** Pause between attempts while someone else holds the lock. */
  retryMs: number;
}

export const DEFAULT_UPLOAD_LOCK_TIMING: UploadLockTiming = {
  leaseMs: 10_000,
  renewMs: 3_000,
  acquireTimeoutMs: 15_000,
  retryMs: 100,
};

/**
 * One request at a time per tus upload, across API processes: a lease row in
 * PostgreSQL, renewed while held, so a process that dies mid-PATCH blocks its
 * upload for at most `leaseMs`. A holder in this same process is asked to let
 * go at once (the tus server then ends its PATCH with what it has received).
 */
interface LocalHolder {
  token: string;
  release: RequestRelease;
}

export class PostgresUploadLocker implements Locker {
  readonly #localHolders = new Map<string, LocalHolder>();

  constructor(
    private readonly uploads: Pick<ResumableUploadsRepository, "tryLock" | "unlock">,
    private readonly timing: UploadLockTiming = DEFAULT_UPLOAD_LOCK_TIMING,
  ) {}

  newLock(id: string): Lock {
    return new PostgresUploadLock(id, this.uploads, this.timing, this.#localHolders);
  }
}

class PostgresUploadLock implements Lock {
  readonly #token = randomUUID();
  #renewal: NodeJS.Timeout | undefined;

  constructor(
    private readonly id: string,
    private readonly uploads: Pick<ResumableUploadsRepository, "tryLock" | "unlock">,
    private readonly timing: UploadLockTiming,
    private readonly localHolders: Map<string, LocalHolder>,
  ) {}

  async lock(signal: AbortSignal, requestRelease: RequestRelease): Promise<void> {
    const deadline = Date.now() + this.timing.acquireTimeoutMs;
    while (!(await this.uploads.tryLock(this.id, this.#token, this.timing.leaseMs))) {
      if (signal.aborted) throw ERRORS.ABORTED;
      if (Date.now() >= deadline) throw ERRORS.ERR_LOCK_TIMEOUT;
      await this.localHolders.get(this.id)?.release();
      await new Promise((resolve) => setTimeout(resolve, this.timing.retryMs));
    }
    this.localHolders.set(this.id, { token: this.#token, release: requestRelease });
    this.#renewal = setInterval(() => {
      this.uploads.tryLock(this.id, this.#token, this.timing.leaseMs).catch(() => {
        // A missed renewal only shortens the lease; the next one or the unlock settles it.
      });
    }, this.timing.renewMs);
    this.#renewal.unref();
  }

  async unlock(): Promise<void> {
    clearInterval(this.#renewal);
    if (this.localHolders.get(this.id)?.token === this.#token) this.localHolders.delete(this.id);
    await this.uploads.unlock(this.id, this.#token);
  }
}
