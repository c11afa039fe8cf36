import { PassThrough, Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { readHead, SourceStreamError } from "../../src/services/stream-head";

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const chunksOf = (data: Buffer, size: number) =>
  Array.from({ length: Math.ceil(data.length / size) }, (_, i) => data.subarray(i * size, (i + 1) * size));

describe("readHead", () => {
  const data = Buffer.from(Array.from({ length: 10_000 }, (_, i) => i % 251));

  it("returns at least the asked bytes and the whole stream again", async () => {
    const { head, stream } = await readHead(Readable.from(chunksOf(data, 300)), 1000);
    expect(head.length).toBeGreaterThanOrEqual(1000);
    expect(head.length).toBeLessThan(1300);
    expect(head.equals(data.subarray(0, head.length))).toBe(true);
    expect((await collect(stream)).equals(data)).toBe(true);
  });

  it("copes with a source shorter than the head, and an empty one", async () => {
    const short = await readHead(Readable.from([data.subarray(0, 10)]), 1000);
    expect(short.head.equals(data.subarray(0, 10))).toBe(true);
    expect((await collect(short.stream)).equals(data.subarray(0, 10))).toBe(true);

    const empty = await readHead(Readable.from([]), 1000);
    expect(empty.head.length).toBe(0);
    expect((await collect(empty.stream)).length).toBe(0);
  });

  it("reports source errors as SourceStreamError, while reading the head and after", async () => {
    const early = new PassThrough();
    early.write(data.subarray(0, 10));
    setImmediate(() => early.destroy(new Error("client went away")));
    await expect(readHead(early, 1000)).rejects.toBeInstanceOf(SourceStreamError);

    const late = new PassThrough();
    late.write(data.subarray(0, 2000));
    const { stream } = await readHead(late, 1000);
    setImmediate(() => late.destroy(new Error("client went away")));
    const failure = await collect(stream).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SourceStreamError);
    expect((failure as SourceStreamError).cause).toMatchObject({ message: "client went away" });
  });

  it("destroys the source when the rest is abandoned, even unread", async () => {
    const source = new PassThrough();
    source.write(data.subarray(0, 2000));
    const { stream } = await readHead(source, 1000);
    stream.destroy();
    await new Promise((resolve) => setImmediate(resolve));
    expect(source.destroyed).toBe(true);
  });
});
