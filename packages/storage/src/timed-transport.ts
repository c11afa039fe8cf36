import * as http from "node:http";
import * as https from "node:https";
import type { ClientOptions } from "minio";
import { StorageError } from "./errors";

/** What minio calls to send a request: `node:http` or `node:https`, or an object with their `request`. */
type Transport = NonNullable<ClientOptions["transport"]>;

export const STORAGE_TIMEOUT_CODE = "Timeout";

/**
 * `http`/`https` for minio, with an idle timeout on every request: when no byte
 * moves on the socket for `timeoutMs` (connecting, sending, waiting for the
 * answer or reading its body), the request is destroyed and the call fails with
 * a `StorageError` coded `Timeout`. minio has no timeout of its own, so a
 * frozen store would otherwise hold a call (and the request behind it) forever.
 */
export function timedTransport(secure: boolean, timeoutMs: number): Transport {
  const base = secure ? https : http;
  // minio always calls `request(options, callback)`; the other overloads of `http.request` are never used.
  const send = (options: http.RequestOptions, callback?: (response: http.IncomingMessage) => void) => {
    const request = base.request({ ...options, timeout: timeoutMs }, callback);
    request.on("timeout", () => {
      request.destroy(
        new StorageError(
          STORAGE_TIMEOUT_CODE,
          `Storage did not answer within ${timeoutMs} ms (${options.method} ${options.path})`,
        ),
      );
    });
    return request;
  };
  return { request: send as Transport["request"] };
}
