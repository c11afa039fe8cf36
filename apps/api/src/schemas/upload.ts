import { type Static, Type } from "@sinclair/typebox";
import { PDF_MAX_BYTES, VIDEO_MAX_BYTES } from "../services/file-type";
import { MAX_FIELD_BYTES, TITLE_MAX_CHARACTERS } from "../services/upload-form";
import { MaterialStatusSchema, MediaStageSchema, ThumbnailStatusSchema } from "./enums";

/**
 * The form of `POST /upload`, for the OpenAPI document only: the route reads
 * the parts itself as they stream (`services/upload-form.ts` checks them), so
 * Fastify never validates a body against this.
 */
export const UploadForm = Type.Object({
  file: Type.String({
    format: "binary",
    description:
      `A video: mp4 or webm, or mov, m4v, mkv or avi made playable by the worker (at most ${VIDEO_MAX_BYTES} bytes); ` +
      `or a pdf, or an office document converted to PDF: pptx, ppt, odp, docx, doc or odt (at most ${PDF_MAX_BYTES} bytes)`,
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
        "Resumable uploads in progress: the share of bytes received (0-99); while converting or transcoding, " +
        "the share done (0-100, from ffmpeg for transcodes); other uploads: 50 while processing; 100 once active or hidden",
      examples: [100],
    }),
    message: Type.String({ examples: ["Upload complete and ready"] }),
    thumbnail_path: ThumbnailPath,
    has_thumbnail: HasThumbnail,
    // --- issue 15 ---
    stage: {
      ...MediaStageSchema,
      description:
        "Where the displayable file is: office documents are converted to PDF and other videos transcoded " +
        "before the material is listed; `failed` keeps the original with `failure_reason`",
    },
    failure_reason: Type.Union([Type.String(), Type.Null()], {
      description: "Why the conversion failed (stage `failed`), else null",
    }),
    // --- end issue 15 ---
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
