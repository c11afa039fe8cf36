import { Transform, type TransformCallback } from "node:stream";

export interface ByteCounterOptions {
  /** Fails the stream with `createLimitError(bytes)` once more than this many bytes passed. */
  maxBytes?: number;
  createLimitError?: (bytes: number) => Error;
  /** Called with the running total after each chunk. */
  onBytes?: (bytes: number) => void;
}

/** A pass-through that counts the bytes flowing through it and optionally enforces a limit. */
export class ByteCounter extends Transform {
  #bytes = 0;
  readonly #options: ByteCounterOptions;

  constructor(options: ByteCounterOptions = {}) {
    super();
    this.#options = options;
  }

  get bytes(): number {
    return this.#bytes;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#bytes += chunk.length;
    this.#options.onBytes?.(this.#bytes);
    const { maxBytes, createLimitError } = this.#options;
    if (maxBytes !== undefined && this.#bytes > maxBytes) {
      callback(createLimitError?.(this.#bytes) ?? new RangeError(`Stream exceeded ${maxBytes} bytes`));
      return;
    }
    callback(null, chunk);
  }
}
