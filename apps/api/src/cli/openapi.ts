/**
 * Writes the API's OpenAPI document as JSON: `tsx apps/api/src/cli/openapi.ts <file>`
 * (no services needed; `packages/client` generates its types from it).
 */
import { writeFile } from "node:fs/promises";
import { exportOpenApiDocument } from "../openapi-export";

const [target] = process.argv.slice(2);
if (!target) {
  process.stderr.write("usage: tsx apps/api/src/cli/openapi.ts <file.json>\n");
  process.exit(2);
}
await writeFile(target, `${JSON.stringify(await exportOpenApiDocument(), null, 2)}\n`);
