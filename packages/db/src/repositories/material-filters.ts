import { type SQL, sql } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import { materials } from "../schema";

/**
 * The one "active material" filter of every repository. A literal, never a
 * bind parameter: the list and sweep indexes are partial on exactly this
 * predicate, and the planner can only use them when it can prove it.
 */
export const isActiveMaterial = (): SQL => sql`${materials.status} = 'active'`;

/** For an update that is not an edit of the row: leaves `updated_at` as it was (see `timestamps` in the schema). */
export const keepUpdatedAt = (table: { updatedAt: PgColumn }) => ({ updatedAt: sql`${table.updatedAt}` });
