import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { components, operations, paths } from "./schema";

export type { components, operations, paths };

type Schemas = components["schemas"];
export type UserProfile = Schemas["UserProfile"];
export type Material = Schemas["Material"];
export type MaterialListItem = Schemas["MaterialListItem"];
export type MaterialDetail = Schemas["MaterialDetail"];
export type MaterialPage = Schemas["MaterialPage"];
export type UploadStatus = Schemas["UploadStatus"];
export type ThumbnailStatus = Schemas["ThumbnailStatus"];
/** The fields of `POST /api/v1/upload`; `file` is a `File` in browsers (its name carries the extension). */
export type UploadFormFields = operations["uploadMaterial"]["requestBody"]["content"]["multipart/form-data"];

export type LearningHubClient = Client<paths>;

export interface LearningHubClientOptions {
  /** Where the API is, e.g. `https://api.example.com` (paths start with `/api/v1`). */
  baseUrl: string;
  /** The access token to send as `Authorization: Bearer ...`, read before every request. */
  accessToken?: () => string | undefined;
  fetch?: typeof globalThis.fetch;
}

/** A typed client of every operation of the API (`openapi-fetch` over the generated `paths`). */
export function createLearningHubClient(options: LearningHubClientOptions): LearningHubClient {
  const client = createClient<paths>({ baseUrl: options.baseUrl, fetch: options.fetch });
  if (options.accessToken) client.use(bearerToken(options.accessToken));
  return client;
}

const bearerToken = (accessToken: () => string | undefined): Middleware => ({
  onRequest({ request }) {
    const token = accessToken();
    if (token) request.headers.set("authorization", `Bearer ${token}`);
    return request;
  },
});

/**
 * The `bodySerializer` of `POST /api/v1/upload`: the typed fields as
 * multipart FormData (the browser sets the boundary):
 * `client.POST("/api/v1/upload", { body: { file, title }, bodySerializer: uploadFormData })`.
 */
export function uploadFormData(fields: UploadFormFields): FormData {
  const form = new FormData();
  form.append("title", fields.title);
  if (fields.description !== undefined) form.append("description", fields.description);
  form.append("file", fields.file);
  return form;
}
