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
export class PartQueue {
  readonly pending = new PartBuffer();
  /**
   * Buffers of stored full-size parts, filled again by `takePart`: a long upload reuses a few buffers instead of
   * leaving hundreds of MiB of spent ones for V8 to collect late (which showed as RSS growing with the file).
   */
  readonly #spare: Buffer[] = [];
  readonly #inFlight = new Set<Promise<void>>();
  #recorded: Promise<void> = Promise.resolve();
  #failure: unknown;
  #failed = false;

  constructor(
    private readonly put: PutPart,
    private readonly maxInFlight: number,
    private readonly partSize: number,
  ) {}

  /** The next `size` bytes of `pending` (fewer if it holds less), in a reused buffer when it is a full part. */
  takePart(size: number): Buffer {
    if (size !== this.partSize || this.pending.bytes < size) return this.pending.take(size);
    return this.pending.takeInto(this.#spare.pop() ?? Buffer.allocUnsafeSlow(size));
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
        if (body.length === this.partSize && this.#spare.length <= this.maxInFlight) this.#spare.push(body);
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
