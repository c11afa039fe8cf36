-- Search, the parts drizzle-kit does not generate. pg_trgm ships with PostgreSQL itself (contrib; in the
-- official image and in embedded-postgres) and is a trusted extension: trigram similarity finds a title
-- from a misspelt word ("algoritm"). Everything else about search is decided in code (search/tokenize.ts).
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE INDEX "materials_title_trgm_idx" ON "materials" USING gin ("title" gin_trgm_ops) WHERE status = 'active';--> statement-breakpoint
-- Videos have no text of their own to extract (their captions are indexed per cue).
UPDATE "materials" SET "text_status" = 'no_text' WHERE "type" = 'video';
