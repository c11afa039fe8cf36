import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { notMultipart } from "../errors/app-error";
import { multipartBodyError } from "../errors/request-body";
import { UPLOAD_HANDLER_TIMEOUT_MS } from "../http-timeouts";
import { multipartPlugin } from "../plugins/multipart";
import { documentMultipartBody } from "../plugins/openapi";
import { MaterialIdParams } from "../schemas/common";
import { Material } from "../schemas/material";
import { errorResponse } from "../schemas/route-responses";
import { ThumbnailStatusResponse, UploadForm, UploadStatusResponse } from "../schemas/upload";
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

const MATERIAL_NOT_FOUND = errorResponse("`NOT_FOUND`: no such material", "NOT_FOUND");
const NOT_UPLOADER_OR_ADMIN = errorResponse("`FORBIDDEN`: only the uploader or an admin may see it", "FORBIDDEN");
const LOCATION_EXAMPLE = "/api/v1/materials/42";

/** `/api/v1/upload`: streamed uploads into object storage, their status, and their deletion. */
export const uploadRoutes: FastifyPluginAsyncTypebox<{ upload: UploadService }> = async (app, { upload }) => {
  await app.register(multipartPlugin);

  app.post(
    "",
    {
      config: { auth: "user", swaggerTransform: documentMultipartBody(UploadForm) },
      handlerTimeout: UPLOAD_HANDLER_TIMEOUT_MS,
      schema: {
        tags: ["upload"],
        operationId: "uploadMaterial",
        summary: "Upload a video or PDF as a new material",
        description: UPLOAD_DESCRIPTION,
        response: {
          201: Type.Ref(Material, {
            description: "The new material",
            headers: { location: { type: "string", description: "The material's URL", example: LOCATION_EXAMPLE } },
          }),
          400: errorResponse(
            "`VALIDATION_ERROR`: a missing or invalid field, or more than one file",
            "VALIDATION_ERROR",
          ),
          413: errorResponse("`FILE_TOO_LARGE`: the file passed its type's size limit", "FILE_TOO_LARGE"),
          415: errorResponse(
            "`UNSUPPORTED_FILE_TYPE`: not an mp4, webm or pdf, or the extension does not match",
            "UNSUPPORTED_FILE_TYPE",
          ),
          500: errorResponse(
            "`UPLOAD_FAILED`: storage failed or did not answer (within about twice `STORAGE_TIMEOUT_MS`); nothing is left behind",
            "UPLOAD_FAILED",
          ),
        },
      },
    },
    async (request, reply) => {
      if (!request.isMultipart()) {
        throw notMultipart();
      }
      try {
        const material = await upload.upload(request.requireUser().id, request.parts());
        return reply.status(201).header("location", `/api/v1/materials/${material.id}`).send(material);
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
      config: { auth: "user" },
      schema: {
        tags: ["upload"],
        operationId: "getUploadStatus",
        summary: "Where an upload stands (uploader or admin)",
        params: MaterialIdParams,
        response: {
          200: Type.Ref(UploadStatusResponse, { description: "The upload's state" }),
          403: NOT_UPLOADER_OR_ADMIN,
          404: MATERIAL_NOT_FOUND,
        },
      },
    },
    async (request) => upload.status(request.params.material_id, request.requireUser()),
  );

  app.get(
    "/thumbnail-status/:material_id",
    {
      config: { auth: "user" },
      schema: {
        tags: ["upload"],
        operationId: "getThumbnailStatus",
        summary: "Where a material's thumbnail stands (uploader or admin)",
        params: MaterialIdParams,
        response: {
          200: Type.Ref(ThumbnailStatusResponse, { description: "The thumbnail's state" }),
          403: NOT_UPLOADER_OR_ADMIN,
          404: MATERIAL_NOT_FOUND,
        },
      },
    },
    async (request) => upload.thumbnailStatus(request.params.material_id, request.requireUser()),
  );

  app.delete(
    "/:material_id",
    {
      config: { auth: "user" },
      schema: {
        tags: ["upload"],
        operationId: "deleteUpload",
        summary: "Delete your material's file and thumbnail for good and hide the material",
        params: MaterialIdParams,
        response: {
          204: Type.Null({ description: "Deleted" }),
          400: errorResponse(
            "`ALREADY_DELETED` when already hidden; `INVALID_STATUS` while its upload is in progress",
            "ALREADY_DELETED",
            "INVALID_STATUS",
          ),
          403: errorResponse("`FORBIDDEN`: only the uploader can delete it", "FORBIDDEN"),
          404: MATERIAL_NOT_FOUND,
        },
      },
    },
    async (request, reply) => {
      await upload.remove(request.params.material_id, request.requireUser().id);
      return reply.status(204).send(null);
    },
  );
};
