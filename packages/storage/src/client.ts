import type { Config } from "@learning-hub/config";
import { Client } from "minio";
import { StorageError } from "./errors";
import { timedTransport } from "./timed-transport";

/** How long a storage request may go without a byte moving, unless the options say otherwise. */
export const DEFAULT_STORAGE_TIMEOUT_MS = 10_000;

/** The storage section of the config; the timeout may be left out (tools, benchmarks). */
export type StorageOptions = Omit<Config["storage"], "timeoutMs" | "corsOrigins"> & {
  timeoutMs?: number;
  /** Origins of web apps that may read objects with `fetch`; none set means the bucket's CORS is left alone. */
  corsOrigins?: readonly string[] | "*";
};

/** Builds a path-style minio client from an endpoint URL such as `http://127.0.0.1:9000`. */
export function createMinioClient(options: StorageOptions): Client {
  let url: URL;
  try {
    url = new URL(options.endpoint);
  } catch (error) {
    throw new StorageError("InvalidEndpoint", `Invalid storage endpoint: ${options.endpoint}`, { cause: error });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new StorageError("InvalidEndpoint", `Storage endpoint must be http(s): ${options.endpoint}`);
  }
  const useSSL = url.protocol === "https:";
  return new Client({
    endPoint: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: url.port === "" ? (useSSL ? 443 : 80) : Number(url.port),
    useSSL,
    transport: timedTransport(useSSL, options.timeoutMs ?? DEFAULT_STORAGE_TIMEOUT_MS),
    accessKey: options.accessKey,
    secretKey: options.secretKey,
    // A fixed region spares a GetBucketLocation round trip before each request.
    region: options.region,
    pathStyle: true,
    // minio's retry writes to the console; part uploads retry by themselves (multipart-upload.ts).
    retryOptions: { disableRetry: true },
  });
}
