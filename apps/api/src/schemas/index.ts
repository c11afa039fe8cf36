import type { TSchema } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { JobActionResult } from "./admin";
import { ErrorEnvelope } from "./common";
import { materialSchemas } from "./material";
import { mediaSchemas } from "./media";
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
  JobActionResult,
  ...materialSchemas,
  ...uploadSchemas,
  // issue 15
  ...mediaSchemas,
];

export function registerSharedSchemas(app: FastifyInstance): void {
  for (const schema of sharedSchemas) app.addSchema(schema);
}
