import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { unsupportedCaptionType } from "../errors/app-error";
import { CaptionLanguageParams, CaptionTrack, CaptionTrackList, MAX_CAPTION_BYTES } from "../schemas/caption";
import { MaterialIdParams } from "../schemas/common";
import { errorResponse } from "../schemas/route-responses";
import type { CaptionFormat } from "../services/caption-format";
import type { CaptionService } from "../services/caption-service";

/** The media types a caption file may be sent as, and what each is. */
const CAPTION_FORMATS: Record<string, CaptionFormat> = { "text/vtt": "vtt", "application/x-subrip": "srt" };

const MATERIAL_NOT_FOUND = errorResponse("`NOT_FOUND`: no such material, or not one the caller may see", "NOT_FOUND");

/** `/api/v1/materials/{id}/captions`: WebVTT or SRT caption tracks of a video, one per language. */
export const captionRoutes: FastifyPluginAsyncTypebox<{ captions: CaptionService }> = async (app, { captions }) => {
  // This plugin's routes take any body as bytes (up to 2 MiB), so the handler can name a wrong media type.
  app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: MAX_CAPTION_BYTES }, (_request, body, done) =>
    done(null, body),
  );

  app.put(
    "/:material_id/captions/:lang",
    {
      bodyLimit: MAX_CAPTION_BYTES,
      config: { auth: "user" },
      schema: {
        tags: ["captions"],
        operationId: "putCaptions",
        summary: "Upload the captions of your video in one language (WebVTT, or SRT converted to WebVTT)",
        description:
          "Body: the caption file, `text/vtt` or `application/x-subrip`, UTF-8, at most 2 MiB. Replaces the " +
          "track of the same language. Its cues are indexed for search with their start times.",
        params: CaptionLanguageParams,
        response: {
          200: Type.Ref(CaptionTrack, { description: "The stored track" }),
          400: errorResponse(
            "`VALIDATION_ERROR` for a bad language tag or a file that does not parse (`details.line` names the line); `INVALID_TYPE` for a PDF",
            "VALIDATION_ERROR",
            "INVALID_TYPE",
          ),
          403: errorResponse("`FORBIDDEN`: only the uploader can change captions", "FORBIDDEN"),
          404: MATERIAL_NOT_FOUND,
          413: errorResponse("`FILE_TOO_LARGE`: over 2 MiB", "FILE_TOO_LARGE"),
          415: errorResponse("`UNSUPPORTED_FILE_TYPE`: not text/vtt or application/x-subrip", "UNSUPPORTED_FILE_TYPE"),
        },
      },
    },
    async (request) => {
      const mediaType = (request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
      const format = CAPTION_FORMATS[mediaType];
      if (!format || !Buffer.isBuffer(request.body)) throw unsupportedCaptionType(mediaType);
      return captions.put(
        request.params.material_id,
        request.params.lang,
        request.body,
        format,
        request.requireUser().id,
      );
    },
  );

  app.get(
    "/:material_id/captions",
    {
      config: { auth: "optional" },
      schema: {
        tags: ["captions"],
        operationId: "listCaptions",
        summary: "The caption tracks of a material: `STORAGE_PUBLIC_URL/{path}` for a `<track>`",
        params: MaterialIdParams,
        response: { 200: Type.Ref(CaptionTrackList, { description: "Its caption tracks" }), 404: MATERIAL_NOT_FOUND },
      },
    },
    async (request) => captions.list(request.params.material_id, request.user?.id),
  );

  app.delete(
    "/:material_id/captions/:lang",
    {
      config: { auth: "user" },
      schema: {
        tags: ["captions"],
        operationId: "deleteCaptions",
        summary: "Delete the captions of your video in one language",
        params: CaptionLanguageParams,
        response: {
          204: Type.Null({ description: "Deleted" }),
          403: errorResponse("`FORBIDDEN`: only the uploader can change captions", "FORBIDDEN"),
          404: errorResponse("`NOT_FOUND`: no such material, or no captions in that language", "NOT_FOUND"),
        },
      },
    },
    async (request, reply) => {
      await captions.remove(request.params.material_id, request.params.lang, request.requireUser().id);
      return reply.status(204).send(null);
    },
  );
};
