import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type { FastifyRequest, FastifySchemaValidationError } from "fastify";
import { invalidMaterialType } from "../errors/app-error";
import { MaterialIdParams } from "../schemas/common";
import { LikeToggle, MaterialDetail, MaterialListQuery, MaterialPage } from "../schemas/material";
import { PagePreviewList, Storyboard } from "../schemas/media";
import { errorResponse } from "../schemas/route-responses";
import type { CatalogueService } from "../services/catalogue-service";
import type { MediaViewService } from "../services/media-view-service";
import type { Viewer } from "../services/view-counter";

const MATERIAL_NOT_FOUND = errorResponse("`NOT_FOUND`: no such material, or not one the caller may see", "NOT_FOUND");

const NOT_THE_UPLOADER = errorResponse("`FORBIDDEN`: only the uploader can delete it", "FORBIDDEN");

const INVALID_TYPE_DESCRIPTION =
  "`INVALID_TYPE` when `material_type` is not video or pdf; `VALIDATION_ERROR` otherwise";

/**
 * The contract answers a bad `material_type` with its own code. The query
 * schema still declares the enum (so the OpenAPI document stays truthful);
 * the list route receives validation failures instead of the generic handler
 * and picks the code here.
 */
function rejectInvalidQuery(request: FastifyRequest): void {
  const failure = request.validationError;
  if (!failure) return;
  const problems = failure.validation as FastifySchemaValidationError[];
  if (problems.some((problem) => problem.instancePath === "/material_type")) {
    throw invalidMaterialType();
  }
  throw failure;
}

const viewerOf = (request: FastifyRequest): Viewer => (request.user ? { userId: request.user.id } : { ip: request.ip });

/** `/api/v1/materials`: browse, view, like and withdraw materials. */
export const materialRoutes: FastifyPluginAsyncTypebox<{
  catalogue: CatalogueService;
  media: MediaViewService;
}> = async (app, { catalogue, media }) => {
  app.get(
    "",
    {
      attachValidation: true,
      config: { auth: "optional" },
      schema: {
        tags: ["materials"],
        operationId: "listMaterials",
        summary: "List active materials, one page at a time",
        querystring: MaterialListQuery,
        response: {
          200: Type.Ref(MaterialPage, { description: "One page of materials" }),
          400: errorResponse(INVALID_TYPE_DESCRIPTION, "INVALID_TYPE"),
        },
      },
    },
    async (request) => {
      rejectInvalidQuery(request);
      const query = request.query;
      return catalogue.list({
        page: query.page,
        pageSize: query.page_size,
        sortBy: query.sort_by,
        sortOrder: query.sort_order,
        type: query.material_type,
        uploaderId: query.uploader_id,
        q: query.q,
        userId: request.user?.id,
      });
    },
  );

  app.get(
    "/:material_id",
    {
      config: { auth: "optional" },
      schema: {
        tags: ["materials"],
        operationId: "getMaterial",
        summary: "A material with related materials; counts a view",
        description:
          "Counts at most one view per viewer (user, else client address) per 10 minutes. " +
          "`view_count` is written in batches and may lag by a few seconds.",
        params: MaterialIdParams,
        response: { 200: Type.Ref(MaterialDetail, { description: "The material" }), 404: MATERIAL_NOT_FOUND },
      },
    },
    async (request) => catalogue.detail(request.params.material_id, viewerOf(request)),
  );

  app.delete(
    "/:material_id",
    {
      config: { auth: "user" },
      schema: {
        tags: ["materials"],
        operationId: "deleteMaterial",
        summary: "Withdraw (soft-delete) your own material",
        params: MaterialIdParams,
        response: {
          204: Type.Null({ description: "Withdrawn" }),
          400: errorResponse("`ALREADY_DELETED`: the material is already withdrawn", "ALREADY_DELETED"),
          403: NOT_THE_UPLOADER,
          404: MATERIAL_NOT_FOUND,
        },
      },
    },
    async (request, reply) => {
      await catalogue.remove(request.params.material_id, request.requireUser().id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    "/:material_id/like",
    {
      config: { auth: "user" },
      schema: {
        tags: ["materials"],
        operationId: "toggleMaterialLike",
        summary: "Like the material, or unlike it if you already do",
        params: MaterialIdParams,
        response: {
          200: Type.Ref(LikeToggle, { description: "Whether the caller now likes it, and the new count" }),
          400: errorResponse("`INVALID_STATUS`: the material is not active", "INVALID_STATUS"),
          404: MATERIAL_NOT_FOUND,
        },
      },
    },
    async (request) => catalogue.toggleLike(request.params.material_id, request.requireUser().id),
  );

  // --- issue 15: page previews and storyboards ---
  app.get(
    "/:material_id/pages",
    {
      config: { auth: "optional" },
      schema: {
        tags: ["materials"],
        operationId: "listMaterialPagePreviews",
        summary: "Small previews of every page of a PDF material (converted documents included)",
        description:
          "Visible like the material's detail: others see active materials only. Pages up to the configured " +
          "cap (default 300) get a 320 px wide JPEG; an empty list until the worker made them.",
        params: MaterialIdParams,
        response: {
          200: Type.Ref(PagePreviewList, { description: "The page previews made so far, in page order" }),
          404: MATERIAL_NOT_FOUND,
        },
      },
    },
    async (request) => media.pages(request.params.material_id, request.user?.id),
  );

  app.get(
    "/:material_id/storyboard",
    {
      config: { auth: "optional" },
      schema: {
        tags: ["materials"],
        operationId: "getMaterialStoryboard",
        summary: "Sprite sheets and a WebVTT thumbnails track of a video, for scrubbing previews",
        description: "Visible like the material's detail; 404 until the worker made it (or for a PDF).",
        params: MaterialIdParams,
        response: {
          200: Type.Ref(Storyboard, { description: "The storyboard" }),
          404: errorResponse(
            "`NOT_FOUND`: no such material, not one the caller may see, or no storyboard yet",
            "NOT_FOUND",
          ),
        },
      },
    },
    async (request) => media.storyboard(request.params.material_id, request.user?.id),
  );
  // --- end issue 15 ---
};
