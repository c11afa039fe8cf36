import type { MaterialRow } from "@learning-hub/db";
import type { CatalogueMaterial, RelatedMaterial as RelatedMaterialRow } from "@learning-hub/db/repositories/materials";
import { type Static, type TSchema, Type } from "@sinclair/typebox";
import { Timestamp, toTimestamp } from "./common";
import { MaterialStatusSchema, MaterialTypeSchema, StringEnum, ThumbnailStatusSchema } from "./enums";
import { SINGLE_LINE_TEXT_PATTERN } from "./text";

/*
 * Nullable values are written as OpenAPI 3.0 spells them (`nullable: true`)
 * rather than as TypeBox unions (`anyOf`): the response serializer writes
 * these directly, whereas each `anyOf` costs a schema validation per value,
 * per row, per request.
 */
const Nullable = <T extends TSchema>(schema: T) => Type.Unsafe<Static<T> | null>({ ...schema, nullable: true });

const materialProperties = {
  id: Type.Integer({ examples: [42] }),
  title: Type.String({ examples: ["Linear algebra, lecture 3"] }),
  description: Nullable(Type.String({ examples: ["Eigenvalues and eigenvectors, with worked examples"] })),
  type: MaterialTypeSchema,
  file_path: Type.String({ examples: ["materials/1/20240115_083000_video.mp4"] }),
  file_size: Type.Integer({ description: "Bytes", examples: [10485760] }),
  file_format: Type.String({ examples: ["mp4"] }),
  thumbnail_path: Nullable(Type.String({ examples: ["thumbnails/1/1.jpg"] })),
  uploader_id: Type.Integer({ examples: [1] }),
  view_count: Type.Integer({
    description: "Views are buffered and written in batches, so this may lag by a few seconds",
    examples: [128],
  }),
  like_count: Type.Integer({ examples: [7] }),
  status: MaterialStatusSchema,
  created_at: Timestamp,
  updated_at: Timestamp,
  thumbnail_status: ThumbnailStatusSchema,
  // Facts the thumbnail worker learns; null until it has run, or when they do not apply to the type.
  duration_seconds: Nullable(Type.Number({ examples: [312.5] })),
  width: Nullable(Type.Integer({ examples: [1280] })),
  height: Nullable(Type.Integer({ examples: [720] })),
  page_count: Nullable(Type.Integer({ examples: [12] })),
  // Issue 15: the uploaded original when `file_path` is a converted file (a deck's PDF, a mov's mp4).
  source_path: Nullable(Type.String({ description: "The uploaded original (downloadable) when converted" })),
};

/** The material shape of the contract (also the 201 of `POST /upload`). */
export const Material = Type.Object(materialProperties, { $id: "Material" });
export type Material = Static<typeof Material>;

const listItemProperties = {
  ...materialProperties,
  uploader_name: Type.String({ examples: ["Ada Lovelace"] }),
  uploader_avatar: Nullable(Type.String({ examples: ["https://cdn.example.com/avatars/1.png"] })),
  is_liked: Type.Boolean({ description: "Whether the caller liked it; false for anonymous callers" }),
};

/** A material in the list: the material plus its uploader and the caller's like. */
export const MaterialListItem = Type.Object(listItemProperties, { $id: "MaterialListItem" });
export type MaterialListItem = Static<typeof MaterialListItem>;

/** The reduced shape of `related_materials`. */
export const RelatedMaterial = Type.Object(
  {
    id: Type.Integer(),
    title: Type.String(),
    type: MaterialTypeSchema,
    thumbnail_path: Nullable(Type.String()),
    view_count: Type.Integer(),
    like_count: Type.Integer(),
  },
  { $id: "RelatedMaterial" },
);
export type RelatedMaterial = Static<typeof RelatedMaterial>;

export const MaterialDetail = Type.Object(
  { ...listItemProperties, related_materials: Type.Array(Type.Ref(RelatedMaterial)) },
  { $id: "MaterialDetail" },
);
export type MaterialDetail = Static<typeof MaterialDetail>;

export const MaterialPage = Type.Object(
  {
    items: Type.Array(Type.Ref(MaterialListItem)),
    total: Type.Integer({ examples: [57] }),
    page: Type.Integer({ examples: [1] }),
    page_size: Type.Integer({ examples: [20] }),
    total_pages: Type.Integer({ examples: [3] }),
  },
  { $id: "MaterialPage" },
);
export type MaterialPage = Static<typeof MaterialPage>;

export const LikeToggle = Type.Object(
  { is_liked: Type.Boolean({ examples: [true] }), like_count: Type.Integer({ examples: [8] }) },
  { $id: "LikeToggle" },
);
export type LikeToggle = Static<typeof LikeToggle>;

export const MaterialListQuery = Type.Object({
  page: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 }),
  page_size: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  sort_by: StringEnum(["created_at", "view_count", "like_count"], { default: "created_at" }),
  sort_order: StringEnum(["asc", "desc"], { default: "desc" }),
  material_type: Type.Optional(MaterialTypeSchema),
  uploader_id: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: "Only this uploader's materials" }),
  ),
  q: Type.Optional(
    Type.String({
      maxLength: 1000,
      pattern: SINGLE_LINE_TEXT_PATTERN,
      description:
        "Only materials matching this search (as `GET /search`, 1-200 characters after trimming), in the list's order",
    }),
  ),
});
export type MaterialListQuery = Static<typeof MaterialListQuery>;

/** Shared shapes, registered once on the root instance so every route can `Type.Ref` them. */
export const materialSchemas = [Material, MaterialListItem, RelatedMaterial, MaterialDetail, MaterialPage, LikeToggle];

/** Maps a stored row to the contract's material shape. */
export function toMaterialResponse(row: MaterialRow): Material {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    type: row.type,
    file_path: row.filePath,
    file_size: row.fileSize,
    file_format: row.fileFormat,
    thumbnail_path: row.thumbnailPath,
    uploader_id: row.uploaderId,
    view_count: row.viewCount,
    like_count: row.likeCount,
    status: row.status,
    created_at: toTimestamp(row.createdAt),
    updated_at: toTimestamp(row.updatedAt),
    thumbnail_status: row.thumbnailStatus,
    duration_seconds: row.durationSeconds,
    width: row.width,
    height: row.height,
    page_count: row.pageCount,
    source_path: row.sourcePath,
  };
}

/**
 * Spelled out rather than spreading `toMaterialResponse(row)`: a list maps
 * every row of every page, and the spread made it five times slower.
 */
export function toMaterialListItem(row: CatalogueMaterial): MaterialListItem {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    type: row.type,
    file_path: row.filePath,
    file_size: row.fileSize,
    file_format: row.fileFormat,
    thumbnail_path: row.thumbnailPath,
    uploader_id: row.uploaderId,
    view_count: row.viewCount,
    like_count: row.likeCount,
    status: row.status,
    created_at: toTimestamp(row.createdAt),
    updated_at: toTimestamp(row.updatedAt),
    thumbnail_status: row.thumbnailStatus,
    duration_seconds: row.durationSeconds,
    width: row.width,
    height: row.height,
    page_count: row.pageCount,
    source_path: row.sourcePath,
    uploader_name: row.uploaderName,
    uploader_avatar: row.uploaderAvatar,
    is_liked: row.isLiked,
  };
}

export function toRelatedMaterial(row: RelatedMaterialRow): RelatedMaterial {
  return {
    id: row.id,
    title: row.title,
    type: row.type,
    thumbnail_path: row.thumbnailPath,
    view_count: row.viewCount,
    like_count: row.likeCount,
  };
}
