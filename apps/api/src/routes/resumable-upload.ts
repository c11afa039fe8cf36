import type { IncomingMessage } from "node:http";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { Server as TusServer } from "@tus/server";
import type { FastifyReply, FastifyRequest } from "fastify";
import { NodeRequest, sendNodeResponse } from "srvx/node";
import { AppError, validationError } from "../errors/app-error";
import { toEnvelope } from "../plugins/error-handler";
import { errorResponses } from "../schemas/common";
import type { ResumableUploads } from "../services/resumable";
import { fromTusError, isTusProtocolError } from "../services/resumable/tus-errors";

export const RESUMABLE_UPLOAD_PATH = "/api/v1/upload/resumable";
const TUS_VERSION = "1.0.0";
/** Headers a browser client must be allowed to send and to read (tus-js-client, Uppy). */
export const TUS_REQUEST_HEADERS = [
  "Authorization",
  "Tus-Resumable",
  "Upload-Length",
  "Upload-Offset",
  "Upload-Metadata",
  "Upload-Defer-Length",
  "Upload-Concat",
  "Content-Type",
  "X-HTTP-Method-Override",
  "X-Request-ID",
];
export const TUS_EXPOSED_HEADERS = [
  "Location",
  "Tus-Resumable",
  "Tus-Version",
  "Tus-Extension",
  "Tus-Max-Size",
  "Upload-Offset",
  "Upload-Length",
  "Upload-Metadata",
  "Upload-Expires",
  "X-Material-Id",
  "X-Request-ID",
];

const TUS_DESCRIPTION = [
  "tus 1.0 resumable upload (core, creation, creation-with-upload, termination, expiration) of one mp4, webm or pdf",
  "as a new material; use a tus client such as tus-js-client. Every request carries the Bearer token and `Tus-Resumable: 1.0.0`.",
  "`POST` creates it: `Upload-Length` (the file's size; `Upload-Defer-Length` is refused) and `Upload-Metadata` with base64",
  "`filename` (its extension declares the type), `title` (1-255 characters) and optional `description`.",
  "400 `VALIDATION_ERROR` for bad metadata, 413 `FILE_TOO_LARGE` over the type's limit, 415 for another extension,",
  "429 `TOO_MANY_UPLOADS` past the per-user number of unfinished uploads. The material row is `processing` from then on and",
  "`GET /upload/status/{id}` reports the share of bytes received. `HEAD {Location}` gives `Upload-Offset`; `PATCH {Location}`",
  "(`Content-Type: application/offset+octet-stream`) appends bytes at `Upload-Offset` (409 `UPLOAD_OFFSET_CONFLICT` when it",
  "is not the stored offset). The first bytes must be of the declared type: otherwise 415 and the upload is terminated.",
  "The PATCH that completes the file makes the material `active` and answers with `X-Material-Id`. `DELETE {Location}`",
  "terminates the upload. Unfinished uploads expire (`Upload-Expires`, 410 `UPLOAD_EXPIRED`) and are removed by the cleanup job.",
  "Another user's upload answers 404.",
].join(" ");

const UploadIdParams = Type.Object({ id: Type.String({ pattern: "^[A-Za-z0-9_-]{1,128}$" }) });

/**
 * `/api/v1/upload/resumable`: tus uploads handed to @tus/server after
 * Fastify authenticated the request and checked ownership. Bodies are not
 * parsed (`application/offset+octet-stream` passes through to the store);
 * every answer, including Fastify's own errors, carries `Tus-Resumable`.
 */
export const resumableUploadRoutes: FastifyPluginAsyncTypebox<{
  resumable: ResumableUploads;
  corsOrigins: string[] | "*";
}> = async (app, { resumable, corsOrigins }) => {
  const { service, store, locker } = resumable;
  /** Who sent each request the tus server is handling (its hooks only see the request). */
  const senders = new WeakMap<IncomingMessage, number>();

  const tus = new TusServer({
    path: RESUMABLE_UPLOAD_PATH,
    datastore: store,
    locker,
    relativeLocation: true,
    ...(corsOrigins === "*" ? {} : { allowedOrigins: corsOrigins }),
    allowedHeaders: TUS_REQUEST_HEADERS,
    exposedHeaders: TUS_EXPOSED_HEADERS,
    async onUploadCreate(req, upload) {
      const userId = senders.get(nodeRequestOf(req));
      if (userId === undefined) throw new Error("tus request without an authenticated sender");
      await service.create(userId, upload);
      return {};
    },
    async onUploadFinish(_req, upload) {
      const material = await service.finish(upload.id);
      return { headers: { "X-Material-Id": material.id } };
    },
    onResponseError(req, error) {
      const refusal = store.refusal();
      const appError =
        refusal instanceof AppError
          ? refusal
          : error instanceof AppError
            ? error
            : isTusProtocolError(error)
              ? fromTusError(error)
              : undefined;
      if (!appError || appError.statusCode >= 500) {
        app.log.error({ err: error, url: req.url }, "resumable upload request failed");
      }
      const { status, body } = toEnvelope(appError ?? new AppError(500, "UPLOAD_FAILED", "Upload failed"));
      return { status_code: status, body: JSON.stringify(body) };
    },
  });

  app.addContentTypeParser("application/offset+octet-stream", (_request, _payload, done) => done(null));
  app.addHook("onSend", async (_request, reply) => {
    void reply.header("tus-resumable", TUS_VERSION);
  });

  const handOver = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    senders.set(request.raw, request.user.id);
    reply.hijack();
    const response = await store.handle(() => tus.handleWeb(new NodeRequest({ req: request.raw, res: reply.raw })));
    await sendNodeResponse(reply.raw, await asEnvelope(response));
  };

  const security = [{ bearerAuth: [] }];
  app.post(
    "",
    {
      preHandler: app.authenticate,
      schema: {
        tags: ["upload"],
        summary: "Create a resumable (tus) upload",
        description: TUS_DESCRIPTION,
        security,
        response: {
          201: Type.Null({ description: "Created; `Location` is the upload's URL" }),
          ...errorResponses(400, 401, 403, 412, 413, 415, 429, 500),
        },
      },
    },
    async (request, reply) => {
      if (request.headers["upload-defer-length"] !== undefined) {
        throw validationError([{ field: "Upload-Defer-Length", reason: "is not supported: send Upload-Length" }]);
      }
      await handOver(request, reply);
    },
  );

  const ownUpload = async (request: { params: { id: string }; user: { id: number } }) =>
    service.assertOwner(request.params.id, request.user.id);

  app.head(
    "/:id",
    {
      preHandler: app.authenticate,
      // @fastify/swagger leaves HEAD routes out unless asked: this one is the tus offset probe.
      config: { swagger: { exposeHeadRoute: true } },
      schema: {
        tags: ["upload"],
        summary: "Offset of a resumable upload (`Upload-Offset`, `Upload-Length`)",
        security,
        params: UploadIdParams,
        response: { 200: Type.Null(), ...errorResponses(401, 404, 410) },
      },
    },
    async (request, reply) => {
      await ownUpload(request);
      await handOver(request, reply);
    },
  );

  app.patch(
    "/:id",
    {
      preHandler: app.authenticate,
      schema: {
        tags: ["upload"],
        summary: "Append bytes to a resumable upload at `Upload-Offset`",
        security,
        params: UploadIdParams,
        consumes: ["application/offset+octet-stream"],
        response: {
          204: Type.Null({ description: "Stored; `Upload-Offset` is the new offset, `X-Material-Id` once complete" }),
          ...errorResponses(400, 401, 403, 404, 409, 410, 413, 415, 500),
        },
      },
    },
    async (request, reply) => {
      await ownUpload(request);
      await handOver(request, reply);
    },
  );

  app.delete(
    "/:id",
    {
      preHandler: app.authenticate,
      schema: {
        tags: ["upload"],
        summary: "Terminate a resumable upload: its parts and its material row go",
        security,
        params: UploadIdParams,
        response: { 204: Type.Null(), ...errorResponses(401, 404, 500) },
      },
    },
    async (request, reply) => {
      await ownUpload(request);
      await handOver(request, reply);
    },
  );
};

const nodeRequestOf = (req: Request): IncomingMessage => {
  const node = (req as { runtime?: { node?: { req?: IncomingMessage } } }).runtime?.node?.req;
  if (!node) throw new Error("tus request without its Node.js request");
  return node;
};

/** Refusals the tus server writes itself (412, 400 on bad headers) come as text: they get the envelope too. */
async function asEnvelope(response: Response): Promise<Response> {
  if (response.status < 400) return response;
  const text = await response.text();
  const headers = new Headers(response.headers);
  headers.set("content-type", "application/json; charset=utf-8");
  let body = text;
  if (!isEnvelope(text)) {
    body = JSON.stringify(toEnvelope(fromTusError({ status_code: response.status, body: text })).body);
  }
  headers.set("content-length", String(Buffer.byteLength(body)));
  return new Response(body, { status: response.status, headers });
}

function isEnvelope(text: string): boolean {
  try {
    const parsed = JSON.parse(text) as { error?: { code?: unknown } };
    return typeof parsed.error?.code === "string";
  } catch {
    return false;
  }
}
