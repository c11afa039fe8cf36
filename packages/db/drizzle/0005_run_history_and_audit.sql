CREATE TYPE "public"."audit_actor_source" AS ENUM('api', 'cli');--> statement-breakpoint
CREATE TYPE "public"."job_run_outcome" AS ENUM('running', 'completed', 'failed', 'retrying', 'interrupted');--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"actor_id" integer,
	"actor_source" "audit_actor_source" NOT NULL,
	"action" text NOT NULL,
	"target_type" text NOT NULL,
	"target_id" text NOT NULL,
	"before" jsonb,
	"after" jsonb,
	"request_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "job_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"queue" text NOT NULL,
	"job_name" text NOT NULL,
	"job_id" text NOT NULL,
	"scheduler_id" text,
	"material_id" integer,
	"attempt" integer NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"duration_ms" integer,
	"outcome" "job_run_outcome" DEFAULT 'running' NOT NULL,
	"error" text,
	"summary" jsonb
);
--> statement-breakpoint
CREATE TABLE "queue_controls" (
	"queue" text PRIMARY KEY NOT NULL,
	"paused" boolean DEFAULT false NOT NULL,
	"concurrency" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "audit_log_created_idx" ON "audit_log" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "audit_log_actor_created_idx" ON "audit_log" USING btree ("actor_id","created_at");--> statement-breakpoint
CREATE INDEX "audit_log_target_created_idx" ON "audit_log" USING btree ("target_type","target_id","created_at");--> statement-breakpoint
CREATE INDEX "audit_log_action_created_idx" ON "audit_log" USING btree ("action","created_at");--> statement-breakpoint
CREATE INDEX "job_runs_started_idx" ON "job_runs" USING btree ("started_at","id");--> statement-breakpoint
CREATE INDEX "job_runs_queue_name_started_idx" ON "job_runs" USING btree ("queue","job_name","started_at");--> statement-breakpoint
CREATE INDEX "job_runs_outcome_started_idx" ON "job_runs" USING btree ("outcome","started_at");--> statement-breakpoint
CREATE INDEX "job_runs_material_started_idx" ON "job_runs" USING btree ("material_id","started_at") WHERE material_id is not null;--> statement-breakpoint
CREATE INDEX "job_runs_scheduler_started_idx" ON "job_runs" USING btree ("scheduler_id","started_at") WHERE scheduler_id is not null;--> statement-breakpoint
CREATE INDEX "job_runs_job_idx" ON "job_runs" USING btree ("queue","job_id");--> statement-breakpoint
CREATE INDEX "auth_sessions_expires_idx" ON "auth_sessions" USING btree ("expires_at");