import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type { FastifyRequest, FastifySchemaValidationError } from "fastify";
import { invalidMaterialType } from "../errors/app-error";
import { errorResponse } from "../schemas/route-responses";
import { SearchPage, SearchQuery, TOTAL_CAP } from "../schemas/search";
import type { SearchService } from "../services/search-service";

/** A bad `material_type` gets the contract's own code, as on the list. */
function rejectInvalidQuery(request: FastifyRequest): void {
  const failure = request.validationError;
  if (!failure) return;
  const problems = failure.validation as FastifySchemaValidationError[];
  if (problems.some((problem) => problem.instancePath === "/material_type")) throw invalidMaterialType();
  throw failure;
}

/** `/api/v1/search`: materials by their title, description, PDF page text and captions. */
export const searchRoutes: FastifyPluginAsyncTypebox<{ search: SearchService }> = async (app, { search }) => {
  app.get(
    "",
    {
      attachValidation: true,
      config: { auth: "optional" },
      schema: {
        tags: ["search"],
        operationId: "searchMaterials",
        summary: "Search active materials: titles, descriptions, PDF pages and captions, in Chinese and English",
        description:
          "Every word of `q` must match (English across inflections, the last word also as a prefix; Chinese " +
          "of two or more characters as any substring); a misspelt English title word still finds the title. " +
          "Ranked title, then description, then page and caption text; then like count, then id. " +
          `\`total\` is exact up to ${TOTAL_CAP} matches; past that it is ${TOTAL_CAP} and \`total_capped\` is true ` +
          "(pages past `total_pages` still hold the further results).",
        querystring: SearchQuery,
        response: {
          200: Type.Ref(SearchPage, { description: "One page of matches" }),
          400: errorResponse(
            "`VALIDATION_ERROR` when `q` is not 1-200 characters after trimming; `INVALID_TYPE` for a bad `material_type`",
            "VALIDATION_ERROR",
            "INVALID_TYPE",
          ),
        },
      },
    },
    async (request) => {
      rejectInvalidQuery(request);
      const query = request.query;
      return search.search({
        q: query.q,
        page: query.page,
        pageSize: query.page_size,
        type: query.material_type,
        uploaderId: query.uploader_id,
        userId: request.user?.id,
      });
    },
  );
};
