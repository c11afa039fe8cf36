import { PartBuffer, type UploadedPart } from "@learning-hub/storage";

type PutPart = (partNumber: number, body: Buffer) => Promise<UploadedPart>;
type RecordPart = (uploaded: UploadedPart & { bytes: number }) => Promise<void>;

/**
 * Parts of one PATCH on their way to storage: at most `maxInFlight` uploading
 * at once, each recorded (in part order) once stored. Recording does not hold
 * a place in the window, so a slow database does not slow the upload; a
 * failure is kept and stops the recording of later parts; it surfaces through
 * `throwIfFailed`.
 */
/**
 * Buffers of stored full-size parts, filled again by the next parts (of any PATCH of the process): a long upload
 * reuses a few buffers instead of leaving hundreds of MiB of spent ones for V8 to collect late, which shows as
 * RSS growing with the file. Keeps at most `capacity` idle buffers.
 */
export class PartBufferPool {
  readonly #idle: Buffer[] = [];

  constructor(
    readonly partSize: number,
    private readonly capacity: number,
  ) {}

  acquire(): Buffer {
    return this.#idle.pop() ?? Buffer.allocUnsafeSlow(this.partSize);
  }

  release(buffer: Buffer): void {
    if (buffer.length === this.partSize && this.#idle.length < this.capacity) this.#idle.push(buffer);
  }
}

export class PartQueue {
  readonly pending = new PartBuffer();
  readonly #inFlight = new Set<Promise<void>>();
  #recorded: Promise<void> = Promise.resolve();
  #failure: unknown;
  #failed = false;

  constructor(
    private readonly put: PutPart,
    private readonly maxInFlight: number,
    private readonly buffers: PartBufferPool,
  ) {}

  /** The next full part of `pending` in a pooled buffer; call only when `pending` holds a part. */
  takePart(): Buffer {
    return this.pending.takeInto(this.buffers.acquire());
  }

  async send(partNumber: number, body: Buffer, record: RecordPart): Promise<void> {
    while (this.#inFlight.size >= this.maxInFlight) await Promise.race(this.#inFlight);
    this.throwIfFailed();
    const bytes = body.length;
    const stored = this.put(partNumber, body);
    // The window's place is given back when the part is stored (or failed), whatever the recording does.
    const settled = stored.then(
      () => {
        // Only a stored part's buffer is surely no longer read by the storage client.
        this.buffers.release(body);
      },
      () => {},
    );
    this.#inFlight.add(settled);
    void settled.finally(() => this.#inFlight.delete(settled));
    this.#recorded = this.#recorded.then(async () => {
      try {
        const uploaded = await stored;
        if (!this.#failed) await record({ ...uploaded, bytes });
      } catch (error) {
        this.#fail(error);
      }
    });
  }

  /** Waits for every part sent so far to be stored and recorded (or to fail). */
  async drain(): Promise<void> {
    await Promise.all(this.#inFlight);
    await this.#recorded;
  }

  throwIfFailed(): void {
    if (this.#failed) throw this.#failure;
  }

  #fail(error: unknown): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#failure = error;
  }
}
