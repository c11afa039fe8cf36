import { type Static, Type } from "@sinclair/typebox";
import { MaterialIdParams } from "./common";

/** Largest caption file accepted. */
export const MAX_CAPTION_BYTES = 2 * 1024 * 1024;

export const CaptionLanguageParams = Type.Object({
  ...MaterialIdParams.properties,
  lang: Type.String({
    minLength: 2,
    maxLength: 35,
    description: "BCP-47 language tag, stored in canonical form (`zh-hans` becomes `zh-Hans`)",
    examples: ["en", "zh-Hans", "pt-BR"],
  }),
});

export const CaptionTrack = Type.Object(
  {
    lang: Type.String({ examples: ["zh-Hans"] }),
    path: Type.String({ description: "WebVTT object key", examples: ["captions/1/42/zh-Hans.vtt"] }),
  },
  { $id: "CaptionTrack" },
);
export type CaptionTrack = Static<typeof CaptionTrack>;

/** The answer of listing a material's tracks. */
export const CaptionTrackList = Type.Array(Type.Ref(CaptionTrack), { $id: "CaptionTrackList" });

export const captionSchemas = [CaptionTrack, CaptionTrackList];
