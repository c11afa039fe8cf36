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
    const length = Math.min(size, this.#bytes);
    const part = Buffer.allocUnsafe(length);
    let written = 0;
    while (written < length) {
      const chunk = this.#chunks[0];
      if (chunk === undefined) break;
      const used = Math.min(chunk.length, length - written);
      chunk.copy(part, written, 0, used);
      written += used;
      if (used === chunk.length) this.#chunks.shift();
      else this.#chunks[0] = chunk.subarray(used);
    }
    this.#bytes -= length;
    return part;
  }
}
