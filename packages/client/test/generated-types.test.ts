import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { exportOpenApiDocument } from "../../../apps/api/src/openapi-export";
import { renderSchema, SCHEMA_FILE } from "../scripts/render-schema";

describe("generated client types", () => {
  it("are current: src/schema.d.ts is what the app's OpenAPI document generates", async () => {
    const expected = await renderSchema(await exportOpenApiDocument());
    const committed = await readFile(SCHEMA_FILE, "utf8");
    // On failure: `pnpm --filter @learning-hub/client generate`, then commit src/schema.d.ts.
    expect(committed === expected, "src/schema.d.ts is stale; run the client's generate script").toBe(true);
  });

  it("type uploads' file field as a Blob and list options as optional", async () => {
    const committed = await readFile(SCHEMA_FILE, "utf8");
    expect(committed).toMatch(/file: Blob;/);
    expect(committed).toMatch(/page\?: number;/);
    expect(committed).toMatch(/sort_by\?: "created_at" \| "view_count" \| "like_count";/);
  });
});
