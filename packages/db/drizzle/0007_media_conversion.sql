CREATE TYPE "public"."media_stage" AS ENUM('uploading', 'converting', 'transcoding', 'ready', 'failed');--> statement-breakpoint
CREATE TABLE "page_previews" (
	"material_id" integer NOT NULL,
	"page" integer NOT NULL,
	"preview_path" text NOT NULL,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	CONSTRAINT "page_previews_material_id_page_pk" PRIMARY KEY("material_id","page")
);
--> statement-breakpoint
ALTER TABLE "materials" ADD COLUMN "source_path" text;--> statement-breakpoint
ALTER TABLE "materials" ADD COLUMN "stage" "media_stage" DEFAULT 'ready' NOT NULL;--> statement-breakpoint
ALTER TABLE "materials" ADD COLUMN "progress" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "materials" ADD COLUMN "failure_reason" text;--> statement-breakpoint
ALTER TABLE "materials" ADD COLUMN "storyboard" jsonb;--> statement-breakpoint
ALTER TABLE "page_previews" ADD CONSTRAINT "page_previews_material_id_materials_id_fk" FOREIGN KEY ("material_id") REFERENCES "public"."materials"("id") ON DELETE cascade ON UPDATE no action;