-- Search counts and ranks page/caption matches by probing each matching material for its status, like count
-- and filters (repositories/search.ts). This index answers the probe without visiting the table (drizzle's
-- index builder has no INCLUDE, hence a custom migration).
CREATE INDEX "materials_active_search_probe_idx" ON "materials" ("id") INCLUDE ("like_count", "type", "uploader_id") WHERE status = 'active';
