CREATE TYPE "public"."text_status" AS ENUM('pending', 'completed', 'no_text', 'failed');--> statement-breakpoint
CREATE TABLE "caption_cues" (
	"material_id" integer NOT NULL,
	"lang" varchar(35) NOT NULL,
	"cue_index" integer NOT NULL,
	"start_seconds" real NOT NULL,
	"text" text NOT NULL,
	"search_vector" "tsvector" NOT NULL,
	CONSTRAINT "caption_cues_material_id_lang_cue_index_pk" PRIMARY KEY("material_id","lang","cue_index")
);
--> statement-breakpoint
CREATE TABLE "material_captions" (
	"material_id" integer NOT NULL,
	"lang" varchar(35) NOT NULL,
	"object_path" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "material_captions_material_id_lang_pk" PRIMARY KEY("material_id","lang")
);
--> statement-breakpoint
CREATE TABLE "material_content_vectors" (
	"material_id" integer NOT NULL,
	"source" text NOT NULL,
	"chunk" integer NOT NULL,
	"search_vector" "tsvector" NOT NULL,
	CONSTRAINT "material_content_vectors_material_id_source_chunk_pk" PRIMARY KEY("material_id","source","chunk")
);
--> statement-breakpoint
CREATE TABLE "material_pages" (
	"material_id" integer NOT NULL,
	"page_number" integer NOT NULL,
	"text" text NOT NULL,
	"search_vector" "tsvector" NOT NULL,
	CONSTRAINT "material_pages_material_id_page_number_pk" PRIMARY KEY("material_id","page_number")
);
--> statement-breakpoint
ALTER TABLE "materials" ADD COLUMN "search_vector" "tsvector";--> statement-breakpoint
ALTER TABLE "materials" ADD COLUMN "text_status" text_status DEFAULT 'pending' NOT NULL;--> statement-breakpoint
ALTER TABLE "materials" ADD COLUMN "text_note" text;--> statement-breakpoint
ALTER TABLE "caption_cues" ADD CONSTRAINT "caption_cues_material_id_lang_material_captions_material_id_lang_fk" FOREIGN KEY ("material_id","lang") REFERENCES "public"."material_captions"("material_id","lang") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "material_captions" ADD CONSTRAINT "material_captions_material_id_materials_id_fk" FOREIGN KEY ("material_id") REFERENCES "public"."materials"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "material_content_vectors" ADD CONSTRAINT "material_content_vectors_material_id_materials_id_fk" FOREIGN KEY ("material_id") REFERENCES "public"."materials"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "material_pages" ADD CONSTRAINT "material_pages_material_id_materials_id_fk" FOREIGN KEY ("material_id") REFERENCES "public"."materials"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "caption_cues_search_idx" ON "caption_cues" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "material_content_vectors_search_idx" ON "material_content_vectors" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "material_pages_search_idx" ON "material_pages" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "materials_search_idx" ON "materials" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "materials_text_backfill_idx" ON "materials" USING btree ("id") WHERE status = 'active' and (search_vector is null or (type = 'pdf' and text_status = 'pending'));