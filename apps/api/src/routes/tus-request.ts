import type { IncomingMessage, ServerResponse } from "node:http";
import { finished } from "node:stream";
import { NodeRequest } from "srvx/node";

/**
 * The web `Request` @tus/server wants, over a Node request. Its body stream hands on the request's own chunks:
 * srvx reads the body through `Readable.toWeb`, which copies every chunk (to detach it from a Buffer pool before a
 * byte stream might transfer it), and a PATCH of hundreds of MiB then allocates all of it twice, which shows as CPU
 * and garbage collection (bench/RESULTS.md). This stream is not a byte stream, so nothing is ever transferred, and
 * a request's body chunks are its own (sliced from socket reads), never pooled. Backpressure, errors and
 * cancellation are as in `Readable.toWeb`.
 */
export function tusRequestOf(req: IncomingMessage, res: ServerResponse): Request {
  const request = new NodeRequest({ req, res });
  if (req.method === "GET" || req.method === "HEAD") return request;
  let body: ReadableStream<Uint8Array> | undefined;
  Object.defineProperty(request, "body", {
    get: () => {
      body ??= bodyStream(req);
      return body;
    },
  });
  return request;
}

function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  let controller: ReadableStreamDefaultController<Uint8Array>;
  let canceled = false;
  req.pause();
  const cleanup = finished(req, (error) => {
    cleanup();
    // Some legacy streams emit an error again after `finished`; nobody listens any more.
    req.on("error", () => {});
    if (error) controller.error(isPrematureClose(error) ? abortError(error) : error);
    else if (!canceled) controller.close();
  });
  req.on("data", (chunk: Buffer) => {
    controller.enqueue(chunk);
    if ((controller.desiredSize ?? 0) <= 0) req.pause();
  });
  return new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      pull() {
        req.resume();
      },
      cancel(reason) {
        canceled = true;
        req.destroy(reason instanceof Error ? reason : undefined);
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: req.readableHighWaterMark }),
  );
}

const isPrematureClose = (error: Error) => (error as { code?: unknown }).code === "ERR_STREAM_PREMATURE_CLOSE";

/** A client gone mid-body, as `Readable.toWeb` reports it (@tus/server tells aborts by this name). */
const abortError = (cause: Error) =>
  Object.assign(new Error("The request was aborted", { cause }), { name: "AbortError" });
