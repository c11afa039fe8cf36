import { cpSync } from "node:fs";
import { defineConfig } from "tsup";

// One ESM bundle per app (run from the app's folder) with the workspace packages (TypeScript
// sources) inlined; npm packages stay external and come from the deployed node_modules, so each
// app's package.json must list every one the bundle imports (infra/test/bundle-dependencies.test.ts).
export default defineConfig({
  entry: ["src/main.ts"],
  format: "esm",
  // The images run Node 24 (infra/docker).
  target: "node24",
  platform: "node",
  outDir: "dist",
  clean: true,
  sourcemap: true,
  noExternal: [/^@learning-hub\//],
  external: [/^(?!@learning-hub\/)[^./]/],
  async onSuccess() {
    // The bundled `runMigrations` resolves its default folder as `../drizzle` from the bundle,
    // i.e. `apps/<app>/drizzle` here and `/app/drizzle` in the image.
    cpSync("../../packages/db/drizzle", "drizzle", { recursive: true });
  },
});
