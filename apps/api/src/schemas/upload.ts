import { type Static, Type } from "@sinclair/typebox";
import { PDF_MAX_BYTES, VIDEO_MAX_BYTES } from "../services/file-type";
import { MAX_FIELD_BYTES, TITLE_MAX_CHARACTERS } from "../services/upload-form";
import { MaterialStatusSchema, ThumbnailStatusSchema } from "./enums";

/**
 * The form of `POST /upload`, for the OpenAPI document only: the route reads
 * the parts itself as they stream (`services/upload-form.ts` checks them), so
 * Fastify never validates a body against this.
 */
export const UploadForm = Type.Object({
  file: Type.String({
    format: "binary",
    description: `An mp4 or webm video (at most ${VIDEO_MAX_BYTES} bytes) or a pdf (at most ${PDF_MAX_BYTES} bytes)`,
  }),
  title: Type.String({ minLength: 1, maxLength: TITLE_MAX_CHARACTERS, examples: ["Linear algebra, lecture 3"] }),
  description: Type.Optional(
    Type.String({ maxLength: MAX_FIELD_BYTES, examples: ["Eigenvalues and eigenvectors, with worked examples"] }),
  ),
});

const ThumbnailPath = Type.Union([Type.String(), Type.Null()], {
  description: "The generated thumbnail, or the type's placeholder image once generation failed",
  examples: ["thumbnails/1/1.jpg"],
});
const HasThumbnail = Type.Boolean({ description: "Whether a thumbnail of this material was generated" });

export const UploadStatusResponse = Type.Object(
  {
    material_id: Type.Integer({ examples: [42] }),
    status: MaterialStatusSchema,
    progress: Type.Integer({
      description:
        "Resumable uploads in progress: the share of bytes received (0-99); other uploads: 50 while processing; 100 once active or hidden",
      examples: [100],
    }),
    message: Type.String({ examples: ["Upload complete and ready"] }),
    thumbnail_path: ThumbnailPath,
    has_thumbnail: HasThumbnail,
  },
  { $id: "UploadStatus" },
);
export type UploadStatusResponse = Static<typeof UploadStatusResponse>;

export const ThumbnailStatusResponse = Type.Object(
  {
    material_id: Type.Integer({ examples: [42] }),
    thumbnail_status: ThumbnailStatusSchema,
    thumbnail_path: ThumbnailPath,
    has_thumbnail: HasThumbnail,
  },
  { $id: "ThumbnailStatus" },
);
export type ThumbnailStatusResponse = Static<typeof ThumbnailStatusResponse>;

export const uploadSchemas = [UploadStatusResponse, ThumbnailStatusResponse];
