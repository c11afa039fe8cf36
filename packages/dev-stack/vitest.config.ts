import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Runs this package's tests on their own (`pnpm vitest run --config packages/dev-stack/vitest.config.ts`):
// they start their own services, so they need none of the root config's global setup.
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
