import { createHash, randomBytes } from "node:crypto";
import { type HttpResponse, Upload, type UploadOptions } from "tus-js-client";

export const RESUMABLE_PATH = "/api/v1/upload/resumable";

export interface TusOutcome {
  url: string;
  materialId: number | undefined;
}

export interface TusRun {
  upload: Upload;
  /** Settles when the upload succeeds (or fails; then with the client's error). */
  done: Promise<TusOutcome>;
}

export interface TusRunOptions {
  endpoint: string;
  token: string;
  metadata: Record<string, string>;
  chunkSize: number;
  /** Resume an existing upload instead of creating one. */
  uploadUrl?: string;
  onProgress?: (bytesSent: number, upload: Upload) => void;
  extra?: Partial<UploadOptions>;
}

/** Starts a tus-js-client upload of `file`: no retries, no fingerprint store, so each test controls resumption. */
export function startTus(file: Buffer, options: TusRunOptions): TusRun {
  let materialId: number | undefined;
  let upload: Upload;
  const done = new Promise<TusOutcome>((resolve, reject) => {
    upload = new Upload(file, {
      endpoint: options.endpoint,
      uploadUrl: options.uploadUrl ?? null,
      chunkSize: options.chunkSize,
      retryDelays: null,
      storeFingerprintForResuming: false,
      headers: { Authorization: `Bearer ${options.token}` },
      metadata: options.metadata,
      onProgress: (sent) => options.onProgress?.(sent, upload),
      onAfterResponse: (_req, res: HttpResponse) => {
        const id = res.getHeader("X-Material-Id");
        if (id) materialId = Number(id);
      },
      onSuccess: () => resolve({ url: upload.url ?? "", materialId }),
      onError: reject,
      ...options.extra,
    });
    upload.start();
  });
  // biome-ignore lint/style/noNonNullAssertion: assigned synchronously by the executor above
  return { upload: upload!, done };
}

export const sha256 = (data: Buffer): string => createHash("sha256").update(data).digest("hex");

/** Random bytes behind an ISO-BMFF `ftyp` box: sniffed as mp4, though no real video (for byte-level tests). */
export function fakeMp4(size: number): Buffer {
  const data = randomBytes(size);
  Buffer.from([0, 0, 0, 24]).copy(data, 0);
  Buffer.from("ftypisom\0\0\0\0isommp42", "latin1").copy(data, 4);
  return data;
}

/** `Upload-Metadata` values for a file. */
export const tusMetadata = (filename: string, title = "A lecture", description?: string) => ({
  filename,
  title,
  ...(description === undefined ? {} : { description }),
});
