import type { IncomingMessage } from "node:http";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { Server as TusServer } from "@tus/server";
import type { FastifyReply, FastifyRequest } from "fastify";
import { sendNodeResponse } from "srvx/node";
import { AppError, deferredLengthRefused, uploadFailed } from "../errors/app-error";
import { toEnvelope } from "../plugins/error-handler";
import { errorResponse } from "../schemas/route-responses";
import type { ResumableUploads } from "../services/resumable";
import { fromTusError, isTusProtocolError } from "../services/resumable/tus-errors";
import { tusRequestOf } from "./tus-request";

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
      const { status, body } = toEnvelope(appError ?? uploadFailed(error));
      return { status_code: status, body: JSON.stringify(body) };
    },
  });

  app.addContentTypeParser("application/offset+octet-stream", (_request, _payload, done) => done(null));
  app.addHook("onSend", async (_request, reply) => {
    void reply.header("tus-resumable", TUS_VERSION);
  });

  const handOver = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    senders.set(request.raw, request.requireUser().id);
    // A hijacked reply sends none of the headers hooks set so far (x-request-id, CORS, security): pass them on.
    for (const [name, value] of Object.entries(reply.getHeaders())) {
      if (value !== undefined) reply.raw.setHeader(name, value);
    }
    reply.hijack();
    const response = await store.handle(() => tus.handleWeb(tusRequestOf(request.raw, reply.raw)));
    await sendNodeResponse(reply.raw, await asEnvelope(response));
  };

  app.post(
    "",
    {
      config: { auth: "user" },
      schema: {
        tags: ["upload"],
        operationId: "createResumableUpload",
        summary: "Create a resumable (tus) upload",
        description: TUS_DESCRIPTION,
        response: {
          201: Type.Null({ description: "Created; `Location` is the upload's URL" }),
          400: errorResponse(
            "`VALIDATION_ERROR`: bad `Upload-Metadata` or `Upload-Length`, or `Upload-Defer-Length`",
            "VALIDATION_ERROR",
          ),
          412: errorResponse("`VALIDATION_ERROR`: no `Tus-Resumable: 1.0.0`", "VALIDATION_ERROR"),
          413: errorResponse("`FILE_TOO_LARGE`: `Upload-Length` over the type's limit", "FILE_TOO_LARGE"),
          415: errorResponse(
            "`UNSUPPORTED_FILE_TYPE`: the file name's type is not accepted, or sent bytes are not of it",
            "UNSUPPORTED_FILE_TYPE",
          ),
          429: errorResponse(
            "`TOO_MANY_UPLOADS`: too many unfinished uploads (or `RATE_LIMIT_EXCEEDED`)",
            "TOO_MANY_UPLOADS",
            "RATE_LIMIT_EXCEEDED",
          ),
          500: errorResponse("`UPLOAD_FAILED`: storage or the database failed", "UPLOAD_FAILED"),
        },
      },
    },
    async (request, reply) => {
      if (request.headers["upload-defer-length"] !== undefined) throw deferredLengthRefused();
      await handOver(request, reply);
    },
  );

  const UPLOAD_NOT_FOUND = errorResponse("`NOT_FOUND`: no such unfinished upload of yours", "NOT_FOUND");

  app.head(
    "/:id",
    {
      // @fastify/swagger leaves HEAD routes out unless asked: this one is the tus offset probe.
      config: { auth: "user", swagger: { exposeHeadRoute: true } },
      schema: {
        tags: ["upload"],
        operationId: "getResumableUploadOffset",
        summary: "Offset of a resumable upload (`Upload-Offset`, `Upload-Length`)",
        params: UploadIdParams,
        response: {
          200: Type.Null({ description: "`Upload-Offset` and `Upload-Length` in the headers" }),
          404: UPLOAD_NOT_FOUND,
          410: errorResponse("`UPLOAD_EXPIRED`: past `Upload-Expires`", "UPLOAD_EXPIRED"),
        },
      },
    },
    async (request, reply) => {
      await service.assertOwner(request.params.id, request.requireUser().id);
      await handOver(request, reply);
    },
  );

  app.patch(
    "/:id",
    {
      config: { auth: "user" },
      schema: {
        tags: ["upload"],
        operationId: "appendResumableUpload",
        summary: "Append bytes to a resumable upload at `Upload-Offset`",
        params: UploadIdParams,
        consumes: ["application/offset+octet-stream"],
        response: {
          204: Type.Null({ description: "Stored; `Upload-Offset` is the new offset, `X-Material-Id` once complete" }),
          404: UPLOAD_NOT_FOUND,
          409: errorResponse(
            "`UPLOAD_OFFSET_CONFLICT`: `Upload-Offset` is not the stored offset",
            "UPLOAD_OFFSET_CONFLICT",
          ),
          410: errorResponse("`UPLOAD_EXPIRED`: past `Upload-Expires`", "UPLOAD_EXPIRED"),
          413: errorResponse("`FILE_TOO_LARGE`: more bytes than `Upload-Length`", "FILE_TOO_LARGE"),
          415: errorResponse(
            "`UNSUPPORTED_FILE_TYPE`: the first bytes are not of the declared type; the upload is gone",
            "UNSUPPORTED_FILE_TYPE",
          ),
          500: errorResponse(
            "`UPLOAD_FAILED`: storage or the database failed; the stored offset stays valid",
            "UPLOAD_FAILED",
          ),
        },
      },
    },
    async (request, reply) => {
      await service.assertOwner(request.params.id, request.requireUser().id);
      await handOver(request, reply);
    },
  );

  app.delete(
    "/:id",
    {
      config: { auth: "user" },
      schema: {
        tags: ["upload"],
        operationId: "terminateResumableUpload",
        summary: "Terminate a resumable upload: its parts and its material row go",
        params: UploadIdParams,
        response: { 204: Type.Null({ description: "Terminated" }), 404: UPLOAD_NOT_FOUND },
      },
    },
    async (request, reply) => {
      await service.assertOwner(request.params.id, request.requireUser().id);
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
