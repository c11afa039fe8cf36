import { Readable } from "node:stream";

/** An error of the stream a file is read from (the request body), not of where it is written to. */
export class SourceStreamError extends Error {
  override name = "SourceStreamError";

  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

export interface StreamHead {
  /** At least `bytes` leading bytes, or the whole stream when it is shorter. */
  head: Buffer;
  /** The whole stream again, head included, still streaming; errors of the source arrive as `SourceStreamError`. */
  stream: Readable;
}

/**
 * Reads the first `bytes` of `source` to look at them, without buffering more
 * than that: the rest keeps streaming through `stream` with backpressure.
 * Destroying `stream` destroys `source`.
 */
export async function readHead(source: Readable, bytes: number): Promise<StreamHead> {
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const next = async (): Promise<IteratorResult<Buffer>> => {
    try {
      return await iterator.next();
    } catch (error) {
      throw new SourceStreamError(error);
    }
  };

  const chunks: Buffer[] = [];
  let length = 0;
  let ended = false;
  while (length < bytes) {
    const result = await next();
    if (result.done) {
      ended = true;
      break;
    }
    chunks.push(result.value);
    length += result.value.length;
  }
  const head = Buffer.concat(chunks, length);

  async function* all(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    if (ended) return;
    for (let result = await next(); !result.done; result = await next()) yield result.value;
  }
  const stream = Readable.from(all(), { objectMode: false });
  // Also when `stream` is destroyed before anyone read it (its generator never ran); a no-op once the source ended.
  stream.once("close", () => source.destroy());
  return { head, stream };
}
