CREATE TYPE "public"."material_status" AS ENUM('processing', 'active', 'hidden');--> statement-breakpoint
CREATE TYPE "public"."material_type" AS ENUM('video', 'pdf');--> statement-breakpoint
CREATE TYPE "public"."thumbnail_status" AS ENUM('pending', 'completed', 'failed');--> statement-breakpoint
CREATE TABLE "auth_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" integer NOT NULL,
	"refresh_jti" uuid NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"revoked_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "likes" (
	"user_id" integer NOT NULL,
	"material_id" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "likes_user_id_material_id_pk" PRIMARY KEY("user_id","material_id")
);
--> statement-breakpoint
CREATE TABLE "materials" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "materials_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"title" varchar(255) NOT NULL,
	"description" text,
	"type" "material_type" NOT NULL,
	"file_path" text NOT NULL,
	"file_size" bigint DEFAULT 0 NOT NULL,
	"file_format" varchar(16) NOT NULL,
	"thumbnail_path" text,
	"thumbnail_status" "thumbnail_status" DEFAULT 'pending' NOT NULL,
	"thumbnail_error" text,
	"uploader_id" integer NOT NULL,
	"view_count" integer DEFAULT 0 NOT NULL,
	"like_count" integer DEFAULT 0 NOT NULL,
	"status" "material_status" DEFAULT 'processing' NOT NULL,
	"duration_seconds" real,
	"width" integer,
	"height" integer,
	"page_count" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "scheduled_jobs" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"schedule" text NOT NULL,
	"paused" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "users_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"email" varchar(320) NOT NULL,
	"name" varchar(100) NOT NULL,
	"password_hash" text NOT NULL,
	"avatar_url" text,
	"is_active" boolean DEFAULT true NOT NULL,
	"is_admin" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "auth_sessions" ADD CONSTRAINT "auth_sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "likes" ADD CONSTRAINT "likes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "likes" ADD CONSTRAINT "likes_material_id_materials_id_fk" FOREIGN KEY ("material_id") REFERENCES "public"."materials"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "materials" ADD CONSTRAINT "materials_uploader_id_users_id_fk" FOREIGN KEY ("uploader_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "auth_sessions_user_idx" ON "auth_sessions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "likes_material_idx" ON "likes" USING btree ("material_id");--> statement-breakpoint
CREATE UNIQUE INDEX "materials_file_path_key" ON "materials" USING btree ("file_path");--> statement-breakpoint
CREATE INDEX "materials_uploader_idx" ON "materials" USING btree ("uploader_id");--> statement-breakpoint
CREATE INDEX "materials_active_created_idx" ON "materials" USING btree ("created_at","id") WHERE status = 'active';--> statement-breakpoint
CREATE INDEX "materials_active_views_idx" ON "materials" USING btree ("view_count","id") WHERE status = 'active';--> statement-breakpoint
CREATE INDEX "materials_active_likes_idx" ON "materials" USING btree ("like_count","id") WHERE status = 'active';--> statement-breakpoint
CREATE INDEX "materials_active_type_created_idx" ON "materials" USING btree ("type","created_at","id") WHERE status = 'active';--> statement-breakpoint
CREATE INDEX "materials_active_type_views_idx" ON "materials" USING btree ("type","view_count","id") WHERE status = 'active';--> statement-breakpoint
CREATE INDEX "materials_active_type_likes_idx" ON "materials" USING btree ("type","like_count","id") WHERE status = 'active';--> statement-breakpoint
CREATE INDEX "materials_status_created_idx" ON "materials" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "materials_thumbnail_pending_idx" ON "materials" USING btree ("created_at") WHERE thumbnail_status = 'pending' and status = 'active';--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_lower_key" ON "users" USING btree (lower("email"));