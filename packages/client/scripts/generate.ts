/** Regenerates `src/schema.d.ts` from the app's OpenAPI document (no services needed). */
import { writeFile } from "node:fs/promises";
import { exportOpenApiDocument } from "../../../apps/api/src/openapi-export";
import { renderSchema, SCHEMA_FILE } from "./render-schema";

await writeFile(SCHEMA_FILE, await renderSchema(await exportOpenApiDocument()));
