import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";

/** The generated file, exactly as `generate` writes it (and the drift test expects it). */
export const SCHEMA_FILE = new URL("../src/schema.d.ts", import.meta.url);

const HEADER =
  "// Generated from the API's OpenAPI document by `pnpm --filter @learning-hub/client generate`; do not edit.\n";

/**
 * TypeScript types of the API from its OpenAPI document. Binary form fields
 * become `Blob`, so a browser's `File` (or a Node Blob) is typed where the
 * document says `format: binary`.
 */
export async function renderSchema(document: unknown): Promise<string> {
  const ast = await openapiTS(JSON.stringify(document), {
    transform(schemaObject) {
      if (schemaObject.format === "binary") return ts.factory.createTypeReferenceNode("Blob");
      return undefined;
    },
  });
  return HEADER + astToString(ast);
}
