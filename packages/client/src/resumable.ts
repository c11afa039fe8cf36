import { type HttpResponse, Upload, type UploadOptions } from "tus-js-client";

/** Where the API speaks tus 1.0 (`docs/api.md`, "Resumable uploads (tus)"). */
export const RESUMABLE_UPLOAD_PATH = "/api/v1/upload/resumable";

/**
 * One PATCH per 64 MiB unless the caller says otherwise: below common proxy body limits (e.g. 100 MB), and the
 * server keeps whatever reached it, so the chunk size does not bound what a dropped connection costs.
 */
export const DEFAULT_RESUMABLE_CHUNK_BYTES = 64 * 1024 * 1024;

/** The `Upload-Metadata` the API reads: `filename`'s extension declares the type (mp4, webm, pdf). */
export interface ResumableUploadMetadata {
  filename: string;
  /** 1-255 characters after trimming. */
  title: string;
  description?: string;
}

/** What tus-js-client can read: a `File` or `Blob` in browsers, a `Buffer` or a stream reader in Node. */
export type ResumableUploadFile = ConstructorParameters<typeof Upload>[0];

export interface ResumableUploadOptions extends Omit<UploadOptions, "endpoint" | "metadata" | "onSuccess"> {
  /** Where the API is, e.g. `https://api.example.com`, as for `createLearningHubClient`. */
  baseUrl: string;
  /**
   * The access token, read before every request (creation, each PATCH, the HEAD of a resume, retries): a long
   * upload may outlive a token, so a refreshed one is picked up by the next request. Do not put `Authorization`
   * in `headers` as well (browsers would send both values).
   */
  accessToken: () => string | undefined;
  metadata: ResumableUploadMetadata;
  /** The file is complete and its material `active`; `materialId` is from the last answer's `X-Material-Id`. */
  onSuccess?: (materialId: number, lastResponse: HttpResponse) => void;
}

/**
 * A tus-js-client `Upload` of `file` to `POST /api/v1/upload/resumable` as a new material, with the Bearer token
 * on every request. Every other tus-js-client option passes through (`onProgress`, `onError`, `retryDelays`,
 * `uploadUrl` to resume a known upload, ...). Call `start()` on it; `abort()` pauses, `abort(true)` terminates.
 */
export function createResumableUpload(file: ResumableUploadFile, options: ResumableUploadOptions): Upload {
  const { baseUrl, accessToken, metadata, onSuccess, onBeforeRequest, ...passThrough } = options;
  const { description, ...required } = metadata;
  return new Upload(file, {
    chunkSize: DEFAULT_RESUMABLE_CHUNK_BYTES,
    ...passThrough,
    // Joined as openapi-fetch joins `baseUrl` and a path, so a base with a path prefix works alike.
    endpoint: `${baseUrl.replace(/\/+$/, "")}${RESUMABLE_UPLOAD_PATH}`,
    metadata: description === undefined ? required : { ...required, description },
    onBeforeRequest: async (request) => {
      const token = accessToken();
      if (token) request.setHeader("Authorization", `Bearer ${token}`);
      await onBeforeRequest?.(request);
    },
    onSuccess: ({ lastResponse }) => onSuccess?.(Number(lastResponse.getHeader("X-Material-Id")), lastResponse),
  });
}
