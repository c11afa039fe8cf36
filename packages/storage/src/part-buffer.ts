/** Collects stream chunks and cuts them into parts of an exact size without copying twice. */
export class PartBuffer {
  #chunks: Buffer[] = [];
  #bytes = 0;

  get bytes(): number {
    return this.#bytes;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#bytes += chunk.length;
  }

  /** Removes and returns the first `size` bytes (or everything left, if less). */
  take(size: number): Buffer {
    return this.takeInto(Buffer.allocUnsafe(Math.min(size, this.#bytes)));
  }

  /** Moves the first `target.length` bytes (or everything left, if less) into `target`; returns what it filled. */
  takeInto(target: Buffer): Buffer {
    const length = Math.min(target.length, this.#bytes);
    let written = 0;
    while (written < length) {
      const chunk = this.#chunks[0];
      if (chunk === undefined) break;
      const used = Math.min(chunk.length, length - written);
      chunk.copy(target, written, 0, used);
      written += used;
      if (used === chunk.length) this.#chunks.shift();
      else this.#chunks[0] = chunk.subarray(used);
    }
    this.#bytes -= length;
    return target.subarray(0, length);
  }
}
