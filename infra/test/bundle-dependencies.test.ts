import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const WORKSPACE_PREFIX = "@learning-hub/";

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
}

function manifest(dir: string): Manifest {
  return JSON.parse(readFileSync(`${ROOT}${dir}/package.json`, "utf8"));
}

/** npm packages the production dependencies of `pkg` pull in through workspace packages, transitively. */
function npmDependenciesOfWorkspaceDeps(pkg: Manifest, seen = new Set<string>()): Set<string> {
  const found = new Set<string>();
  for (const dep of Object.keys(pkg.dependencies ?? {})) {
    if (!dep.startsWith(WORKSPACE_PREFIX) || seen.has(dep)) continue;
    seen.add(dep);
    const child = manifest(`packages/${dep.slice(WORKSPACE_PREFIX.length)}`);
    for (const d of Object.keys(child.dependencies ?? {})) if (!d.startsWith(WORKSPACE_PREFIX)) found.add(d);
    for (const d of npmDependenciesOfWorkspaceDeps(child, seen)) found.add(d);
  }
  return found;
}

// tsup inlines the workspace packages but leaves npm packages external; `pnpm deploy --prod` installs only
// what the app's package.json lists, so a package missing there breaks the image at start-up.
describe.each(["api", "worker"])("apps/%s bundle", (app) => {
  it("declares as production dependencies the npm packages its workspace packages import", () => {
    const pkg = manifest(`apps/${app}`);
    const declared = new Set(Object.keys(pkg.dependencies ?? {}));
    const missing = [...npmDependenciesOfWorkspaceDeps(pkg)].filter((d) => !declared.has(d));
    expect(missing).toEqual([]);
  });
});
