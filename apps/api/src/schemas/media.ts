import { type Static, Type } from "@sinclair/typebox";

/** Issue 15: what the worker made of a material for display (page previews, video storyboard). */
export const PagePreviewList = Type.Object(
  {
    page_count: Type.Integer({ description: "Pages with a preview (all pages up to the configured cap)" }),
    pages: Type.Array(
      Type.Object({
        page: Type.Integer({ minimum: 1 }),
        preview_path: Type.String({ examples: ["previews/1/42/page-1.jpg"] }),
        width: Type.Integer({ examples: [320] }),
        height: Type.Integer({ examples: [180] }),
      }),
    ),
  },
  { $id: "PagePreviewList" },
);
export type PagePreviewList = Static<typeof PagePreviewList>;

export const Storyboard = Type.Object(
  {
    vtt_path: Type.String({
      description: "WebVTT thumbnails track (`#xywh=` cues, sprite URLs relative to the track)",
      examples: ["storyboards/1/42/storyboard.vtt"],
    }),
    sprite_paths: Type.Array(Type.String(), { examples: [["storyboards/1/42/sprite-1.jpg"]] }),
    interval_seconds: Type.Number({ examples: [10] }),
    tile_width: Type.Integer({ examples: [160] }),
    tile_height: Type.Integer({ examples: [90] }),
  },
  { $id: "Storyboard" },
);
export type Storyboard = Static<typeof Storyboard>;

export const mediaSchemas = [PagePreviewList, Storyboard];
