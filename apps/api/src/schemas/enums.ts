import { materialStatus, materialType, mediaStage, thumbnailStatus } from "@learning-hub/db";
import { QueueName } from "@learning-hub/queue";
import { Type } from "@sinclair/typebox";

/*
 * The API's enums are the database's and the queue package's: each comes from its Drizzle `pgEnum`,
 * so a new value is added in one place (the schema and its migration). They
 * are written as OpenAPI 3.0 spells string enums (`enum`) rather than as
 * TypeBox unions (`anyOf`), which the response serializer would validate per
 * value, per row, per request.
 */
export const StringEnum = <const T extends readonly string[]>(values: T, options: { default?: T[number] } = {}) =>
  Type.Unsafe<T[number]>({ type: "string", enum: [...values], ...options });

export const MaterialTypeSchema = StringEnum(materialType.enumValues);
export const MaterialStatusSchema = StringEnum(materialStatus.enumValues);
export const ThumbnailStatusSchema = StringEnum(thumbnailStatus.enumValues);
/** Issue 15: where a converted material's displayable file is. */
export const MediaStageSchema = StringEnum(mediaStage.enumValues);

/** The job queues, as `packages/queue` names them. */
export const QueueNameSchema = StringEnum(Object.values(QueueName));
