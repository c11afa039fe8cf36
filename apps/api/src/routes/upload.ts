import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { notMultipart } from "../errors/app-error";
import { multipartBodyError } from "../errors/request-body";
import { multipartPlugin } from "../plugins/multipart";
import { errorResponses, MaterialIdParams } from "../schemas/common";
import { Material } from "../schemas/material";
import { ThumbnailStatusResponse, UploadStatusResponse } from "../schemas/upload";
import { PDF_MAX_BYTES, VIDEO_MAX_BYTES } from "../services/file-type";
import { SourceStreamError } from "../services/stream-head";
import type { UploadService } from "../services/upload-service";

const UPLOAD_DESCRIPTION = [
  "`multipart/form-data` with `file` (mp4 or webm up to " +
    `${VIDEO_MAX_BYTES} bytes, pdf up to ${PDF_MAX_BYTES} bytes),`,
  "`title` (1-255 characters) and optional `description`, in any order.",
  "The type is read from the file's leading bytes and must match its extension (415 otherwise);",
  "the size limit applies while the file streams (413).",
  "400 `VALIDATION_ERROR` for missing or invalid fields, 422 for a body that is not well-formed multipart.",
].join(" ");

/** `/api/v1/upload`: streamed uploads into object storage, their status, and their deletion. */
export const uploadRoutes: FastifyPluginAsyncTypebox<{ upload: UploadService }> = async (app, { upload }) => {
  await app.register(multipartPlugin);

  app.post(
    "",
    {
      preHandler: app.authenticate,
      schema: {
        tags: ["upload"],
        summary: "Upload a video or PDF as a new material",
        description: UPLOAD_DESCRIPTION,
        consumes: ["multipart/form-data"],
        security: [{ bearerAuth: [] }],
        response: { 201: Type.Ref(Material), ...errorResponses(400, 401, 403, 413, 415, 422, 500, 503) },
      },
    },
    async (request, reply) => {
      if (!request.isMultipart()) {
        throw notMultipart();
      }
      try {
        const material = await upload.upload(request.user.id, request.parts());
        return reply.status(201).send(material);
      } catch (error) {
        // The rest of a refused body is not worth reading: answer, then close the connection.
        if (!request.raw.complete) void reply.header("connection", "close");
        throw error instanceof SourceStreamError ? multipartBodyError(error.cause) : error;
      }
    },
  );

  app.get(
    "/status/:material_id",
    {
      preHandler: app.authenticate,
      schema: {
        tags: ["upload"],
        summary: "Where an upload stands (uploader or admin)",
        security: [{ bearerAuth: [] }],
        params: MaterialIdParams,
        response: { 200: Type.Ref(UploadStatusResponse), ...errorResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request) => upload.status(request.params.material_id, request.user),
  );

  app.get(
    "/thumbnail-status/:material_id",
    {
      preHandler: app.authenticate,
      schema: {
        tags: ["upload"],
        summary: "Where a material's thumbnail stands (uploader or admin)",
        security: [{ bearerAuth: [] }],
        params: MaterialIdParams,
        response: { 200: Type.Ref(ThumbnailStatusResponse), ...errorResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request) => upload.thumbnailStatus(request.params.material_id, request.user),
  );

  app.delete(
    "/:material_id",
    {
      preHandler: app.authenticate,
      schema: {
        tags: ["upload"],
        summary: "Delete your material's file and thumbnail for good and hide the material",
        description: "400 `ALREADY_DELETED` when already hidden; 400 `INVALID_STATUS` while its upload is in progress.",
        security: [{ bearerAuth: [] }],
        params: MaterialIdParams,
        response: { 204: Type.Null({ description: "Deleted" }), ...errorResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request, reply) => {
      await upload.remove(request.params.material_id, request.user.id);
      return reply.status(204).send(null);
    },
  );
};
