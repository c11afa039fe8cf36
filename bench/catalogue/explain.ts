/**
 * Prints the plan of the catalogue list query (the SQL the repository
 * builds) for every sort order, with and without the type filter, for the
 * first and the 50th page, at 100k materials, and checks that each walks its
 * partial index and sorts nothing bigger than a page.
 *
 *   pnpm tsx bench/catalogue/explain.ts [materials]
 */

import { createDatabase } from "../../packages/db/src/index";
import type { MaterialSortBy, SortOrder } from "../../packages/db/src/repositories/materials";
import { likeEveryFourth, seedCatalogue } from "./seed";
import { listActiveStatements } from "./statement";

const size = Number(process.argv[2] ?? 100_000);
const viewerId = 1;
const PAGE_SIZE = 20;
const url = await seedCatalogue(size);
await likeEveryFourth(url, viewerId);
const database = createDatabase({ url, poolMax: 1 });

let failures = 0;
const out = (line = "") => process.stdout.write(`${line}\n`);

async function planOf(query: { sql: string; params: unknown[] }): Promise<string[]> {
  const rows = await database.sql.unsafe(`explain (analyze, buffers) ${query.sql}`, query.params as never[]);
  return rows.map((r) => String(r["QUERY PLAN"]));
}

async function explain(label: string, query: { sql: string; params: unknown[] }, mustUse: RegExp) {
  const plan = await planOf(query);
  // A "Sort" node fed more rows than one page means sorting the matching rows instead of walking an index.
  const fullSort = plan.some((line) => {
    const sorted = /^\s*(->\s+)?(Incremental )?Sort\b.*actual time=\S+ rows=(\d+)/.exec(line);
    return sorted !== null && Number(sorted[3]) > PAGE_SIZE;
  });
  const ok = !fullSort && plan.some((line) => mustUse.test(line));
  if (!ok) failures++;
  out(`=== ${label}: ${ok ? "OK" : "FAIL"} (index scan${fullSort ? ", but a full sort" : ""})`);
  for (const line of plan) out(`  ${line}`);
  out();
}

out(`catalogue list query plans at ${size} materials (viewer ${viewerId}, so is_liked is computed)`);
out();
for (const type of [undefined, "pdf"] as const) {
  for (const sortBy of ["created_at", "view_count", "like_count"] as MaterialSortBy[]) {
    for (const sortOrder of ["desc", "asc"] as SortOrder[]) {
      for (const page of [1, 50]) {
        const [query] = await listActiveStatements(url, [
          { page, pageSize: PAGE_SIZE, sortBy, sortOrder, type, viewerId },
        ]);
        if (!query) throw new Error("no statement captured");
        const column = { created_at: "created", view_count: "views", like_count: "likes" }[sortBy];
        const index = new RegExp(
          `Index (Only )?Scan( Backward)? using materials_active_${type ? "type_" : ""}${column}_idx`,
        );
        await explain(
          `sort_by=${sortBy} sort_order=${sortOrder} page=${page}${type ? ` material_type=${type}` : ""}`,
          query,
          index,
        );
      }
    }
  }
}

// For information: the total beside each page counts every active row (linear in their number).
out("=== count of active materials (informational)");
for (const line of await planOf({
  sql: `select count(*) from "materials" where "materials"."status" = 'active'`,
  params: [],
})) {
  out(`  ${line}`);
}
out();

await database.close();
out(failures === 0 ? "all list plans use their index without a full sort" : `${failures} plan(s) FAILED`);
process.exitCode = failures === 0 ? 0 : 1;
