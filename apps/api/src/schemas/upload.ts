import { type Static, Type } from "@sinclair/typebox";

const MaterialStatus = Type.Union([Type.Literal("processing"), Type.Literal("active"), Type.Literal("hidden")]);
const ThumbnailStatus = Type.Union([Type.Literal("pending"), Type.Literal("completed"), Type.Literal("failed")]);
const ThumbnailPath = Type.Union([Type.String(), Type.Null()], {
  description: "The generated thumbnail, or the type's placeholder image once generation failed",
  examples: ["thumbnails/1/1.jpg"],
});
const HasThumbnail = Type.Boolean({ description: "Whether a thumbnail of this material was generated" });

export const UploadStatusResponse = Type.Object(
  {
    material_id: Type.Integer(),
    status: MaterialStatus,
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
    stage: Type.Union(
      ["uploading", "converting", "transcoding", "ready", "failed"].map((stage) => Type.Literal(stage)),
      {
        description:
          "Where the displayable file is: office documents are converted to PDF and other videos transcoded " +
          "before the material is listed; `failed` keeps the original with `failure_reason`",
      },
    ),
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
    thumbnail_status: ThumbnailStatus,
    thumbnail_path: ThumbnailPath,
    has_thumbnail: HasThumbnail,
  },
  { $id: "ThumbnailStatus" },
);
export type ThumbnailStatusResponse = Static<typeof ThumbnailStatusResponse>;

export const uploadSchemas = [UploadStatusResponse, ThumbnailStatusResponse];
