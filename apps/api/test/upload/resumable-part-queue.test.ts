import { describe, expect, it } from "vitest";
import { PartBufferPool, PartQueue } from "../../src/services/resumable/part-queue";
import { fromTusError, isTusProtocolError } from "../../src/services/resumable/tus-errors";

const deferred = <T>() => {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

describe("PartQueue", () => {
  it("records parts in part order even when they are stored out of order, and frees the window on storing", async () => {
    const stores = new Map<number, ReturnType<typeof deferred<{ part: number; etag: string }>>>();
    const queue = new PartQueue(
      (part) => {
        const d = deferred<{ part: number; etag: string }>();
        stores.set(part, d);
        return d.promise;
      },
      2,
      new PartBufferPool(4, 3),
    );
    const recorded: number[] = [];
    const record = async ({ part }: { part: number }) => {
      recorded.push(part);
    };
    await queue.send(1, Buffer.alloc(4), record);
    await queue.send(2, Buffer.alloc(4), record);
    let thirdStarted = false;
    const third = queue.send(3, Buffer.alloc(4), record).then(() => {
      thirdStarted = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(thirdStarted).toBe(false); // the window holds two
    stores.get(2)?.resolve({ part: 2, etag: "b" });
    await third;
    expect(thirdStarted).toBe(true);
    expect(recorded).toEqual([]); // part 2 waits for part 1
    stores.get(1)?.resolve({ part: 1, etag: "a" });
    stores.get(3)?.resolve({ part: 3, etag: "c" });
    await queue.drain();
    expect(recorded).toEqual([1, 2, 3]);
    expect(() => queue.throwIfFailed()).not.toThrow();
  });

  it("keeps the first failure, records nothing after it and refuses further parts", async () => {
    const queue = new PartQueue(
      async (part) => {
        if (part === 2) throw new Error("storage down");
        return { part, etag: `e${part}` };
      },
      3,
      new PartBufferPool(1, 3),
    );
    const recorded: number[] = [];
    const record = async ({ part }: { part: number }) => {
      recorded.push(part);
    };
    await queue.send(1, Buffer.alloc(1), record);
    await queue.send(2, Buffer.alloc(1), record);
    await queue.send(3, Buffer.alloc(1), record);
    await queue.drain();
    expect(recorded).toEqual([1]);
    expect(() => queue.throwIfFailed()).toThrow("storage down");
    await expect(queue.send(4, Buffer.alloc(1), record)).rejects.toThrow("storage down");
  });
});

describe("PartBufferPool", () => {
  it("hands back released part buffers, keeps at most its capacity, ignores other sizes", () => {
    const pool = new PartBufferPool(8, 1);
    const first = pool.acquire();
    const second = pool.acquire();
    expect(first).not.toBe(second);
    pool.release(first);
    pool.release(second); // over capacity: dropped
    pool.release(Buffer.alloc(3)); // not a part buffer
    expect(pool.acquire()).toBe(first);
    expect(pool.acquire()).not.toBe(second);
  });
});

describe("tus protocol errors in the envelope", () => {
  it("keeps the status and names the code", () => {
    expect(fromTusError({ status_code: 409, body: "Upload-Offset conflict\n" })).toMatchObject({
      statusCode: 409,
      code: "UPLOAD_OFFSET_CONFLICT",
      message: "Upload-Offset conflict",
    });
    expect(fromTusError({ status_code: 410, body: "gone" }).code).toBe("UPLOAD_EXPIRED");
    expect(fromTusError({ status_code: 404, body: "" })).toMatchObject({
      code: "NOT_FOUND",
      message: "Upload request refused",
    });
    expect(fromTusError({ status_code: 412, body: "Tus-Resumable Required" }).code).toBe("VALIDATION_ERROR");
  });

  it("hides the server's own failures behind 500 UPLOAD_FAILED", () => {
    expect(fromTusError({ status_code: 500, body: "something internal" })).toMatchObject({
      statusCode: 500,
      code: "UPLOAD_FAILED",
      message: "Upload failed",
    });
    expect(isTusProtocolError({ status_code: 400, body: "x" })).toBe(true);
    expect(isTusProtocolError(new Error("x"))).toBe(false);
  });
});
