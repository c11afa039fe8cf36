import { type Static, Type } from "@sinclair/typebox";

export const ErrorEnvelope = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ examples: ["NOT_FOUND"] }),
      message: Type.String({ examples: ["Material not found"] }),
      details: Type.Record(Type.String(), Type.Unknown(), { examples: [{}] }),
    }),
  },
  { $id: "ErrorEnvelope", description: "Every non-2xx response" },
);
export type ErrorEnvelope = Static<typeof ErrorEnvelope>;

/** ISO 8601 UTC with second precision and a `Z` suffix, e.g. `2024-01-15T08:30:00Z`. */
export const Timestamp = Type.String({ format: "date-time", examples: ["2024-01-15T08:30:00Z"] });

/** `toISOString` is `YYYY-MM-DDTHH:mm:ss.sssZ` for the years 0-9999: the milliseconds are dropped. */
export const toTimestamp = (date: Date): string => `${date.toISOString().slice(0, 19)}Z`;

export const MaterialIdParams = Type.Object({
  material_id: Type.Integer({ minimum: 1, maximum: 2_147_483_647, examples: [42] }),
});

export const Message = Type.Object({ message: Type.String() });
