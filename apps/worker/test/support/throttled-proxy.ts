import { Transform, type TransformCallback } from "node:stream";
import { TcpProxy } from "@learning-hub/testing";

/** Passes bytes on at about `bytesPerSecond`, in slices every 50 ms. */
function throttle(bytesPerSecond: number): Transform {
  const tickMs = 50;
  const slice = Math.max(1, Math.round((bytesPerSecond * tickMs) / 1000));
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      let offset = 0;
      const pushNext = () => {
        this.push(chunk.subarray(offset, offset + slice));
        offset += slice;
        if (offset >= chunk.length) callback();
        else setTimeout(pushNext, tickMs);
      };
      setTimeout(pushNext, tickMs);
    },
  });
}

/**
 * A proxy in front of the storage endpoint that slows down what the server sends back, so an object
 * read through it (e.g. by ffmpeg from a presigned URL) takes long. Requests pass at full speed.
 */
export const throttledProxy = (endpoint: string, bytesPerSecond: number): TcpProxy =>
  TcpProxy.forUrl(endpoint, { transformResponse: () => throttle(bytesPerSecond) });
