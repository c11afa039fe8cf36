import { type Static, Type } from "@sinclair/typebox";
import { MaterialStatusSchema, MediaStageSchema, ThumbnailStatusSchema } from "./enums";

const ThumbnailPath = Type.Union([Type.String(), Type.Null()], {
  description: "The generated thumbnail, or the type's placeholder image once generation failed",
  examples: ["thumbnails/1/1.jpg"],
});
const HasThumbnail = Type.Boolean({ description: "Whether a thumbnail of this material was generated" });

export const UploadStatusResponse = Type.Object(
  {
    material_id: Type.Integer(),
    status: MaterialStatusSchema,
    progress: Type.Integer({
      description:
        "While converting or transcoding, the share done (0-100, from ffmpeg for transcodes); otherwise 50 " +
        "while processing, 100 once active or hidden",
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
    material_id: Type.Integer(),
    thumbnail_status: ThumbnailStatusSchema,
    thumbnail_path: ThumbnailPath,
    has_thumbnail: HasThumbnail,
  },
  { $id: "ThumbnailStatus" },
);
export type ThumbnailStatusResponse = Static<typeof ThumbnailStatusResponse>;

export const uploadSchemas = [UploadStatusResponse, ThumbnailStatusResponse];
