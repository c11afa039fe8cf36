import type { TSchema } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { adminSchemas } from "./admin";
import { authSchemas } from "./auth";
import { captionSchemas } from "./caption";
import { ErrorEnvelope } from "./common";
import { healthSchemas } from "./health";
import { materialSchemas } from "./material";
import { mediaSchemas } from "./media";
import { searchSchemas } from "./search";
import { uploadSchemas } from "./upload";
import { UserProfile } from "./user";

/**
 * Every shape with an `$id`, registered once on the root instance so that any
 * route can `Type.Ref` it and the OpenAPI document lists it once. A new shared
 * shape is added here.
 */
export const sharedSchemas: readonly TSchema[] = [
  ErrorEnvelope,
  UserProfile,
  ...authSchemas,
  ...healthSchemas,
  ...adminSchemas,
  ...materialSchemas,
  ...uploadSchemas,
  // issue 15
  ...mediaSchemas,
  // Search and captions (issue 13).
  ...searchSchemas,
  ...captionSchemas,
];

export function registerSharedSchemas(app: FastifyInstance): void {
  for (const schema of sharedSchemas) app.addSchema(schema);
}
