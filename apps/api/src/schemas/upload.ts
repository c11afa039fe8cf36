import { type Static, Type } from "@sinclair/typebox";
import { MaterialStatusSchema, ThumbnailStatusSchema } from "./enums";

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
    material_id: Type.Integer(),
    thumbnail_status: ThumbnailStatusSchema,
    thumbnail_path: ThumbnailPath,
    has_thumbnail: HasThumbnail,
  },
  { $id: "ThumbnailStatus" },
);
export type ThumbnailStatusResponse = Static<typeof ThumbnailStatusResponse>;

export const uploadSchemas = [UploadStatusResponse, ThumbnailStatusResponse];
