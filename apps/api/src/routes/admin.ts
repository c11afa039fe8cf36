import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import {
  CleanupRequest,
  CleanupResponse,
  FailedJobPage,
  FailedJobsQuery,
  JobActionResult,
  JobIdParams,
  QueueJobParams,
  SchedulerStatus,
} from "../schemas/admin";
import { errorResponse } from "../schemas/route-responses";

const jobActionResult = (description: string) => Type.Ref(JobActionResult, { description });

import type { AdminCleanupService } from "../services/admin-cleanup-service";
import type { AdminJobsService } from "../services/admin-jobs-service";
import type { SchedulerService } from "../services/scheduler-service";
import { adminActor } from "./admin-actor";

export interface AdminRoutesOptions {
  cleanup: AdminCleanupService;
  scheduler: SchedulerService;
  jobs: AdminJobsService;
}

/** `/api/v1/admin`: cleanup and the scheduled jobs; admins only. */
export const adminRoutes: FastifyPluginAsyncTypebox<AdminRoutesOptions> = async (app, { cleanup, scheduler, jobs }) => {
  app.post(
    "/cleanup",
    {
      config: { auth: "admin" },
      // The body is optional: no body means every default.
      preValidation: async (request) => {
        request.body ??= {} as CleanupRequest;
      },
      schema: {
        tags: ["admin"],
        operationId: "runCleanup",
        summary: "Run a cleanup now and wait for its result",
        description:
          "Removes uploads stuck in `processing` for longer than `max_age_minutes` (with their objects) and " +
          "objects no material references that are older than the grace period; placeholders are never removed. " +
          "With `dry_run: true` it removes nothing and lists what it would remove in `would_clean`.",
        body: CleanupRequest,
        response: {
          200: Type.Ref(CleanupResponse, { description: "What the cleanup removed" }),
          500: errorResponse("`CLEANUP_FAILED`: the job failed or did not finish in time", "CLEANUP_FAILED"),
        },
      },
    },
    async (request) =>
      cleanup.run(
        {
          cleanupProcessing: request.body.cleanup_processing,
          cleanupOrphans: request.body.cleanup_orphans,
          maxAgeMinutes: request.body.max_age_minutes,
          dryRun: request.body.dry_run,
        },
        adminActor(request),
      ),
  );

  app.get(
    "/scheduler/status",
    {
      config: { auth: "admin" },
      schema: {
        tags: ["admin"],
        operationId: "getSchedulerStatus",
        summary: "Whether workers run scheduled jobs; each job's cron, paused flag, next and last run",
        response: { 200: Type.Ref(SchedulerStatus, { description: "The scheduled jobs" }) },
      },
    },
    async () => scheduler.status(),
  );

  app.post(
    "/scheduler/jobs/:job_id/pause",
    {
      config: { auth: "admin" },
      schema: {
        tags: ["admin"],
        operationId: "pauseScheduledJob",
        summary: "Pause a scheduled job (stays paused across restarts); pausing a paused job is fine",
        params: JobIdParams,
        response: {
          200: jobActionResult("The job is paused"),
          404: errorResponse("`JOB_NOT_FOUND`: no scheduled job has this id", "JOB_NOT_FOUND"),
        },
      },
    },
    async (request) => scheduler.pause(request.params.job_id, adminActor(request)),
  );

  app.post(
    "/scheduler/jobs/:job_id/resume",
    {
      config: { auth: "admin" },
      schema: {
        tags: ["admin"],
        operationId: "resumeScheduledJob",
        summary: "Resume a scheduled job; resuming a running job is fine",
        params: JobIdParams,
        response: {
          200: jobActionResult("The job is scheduled again"),
          404: errorResponse("`JOB_NOT_FOUND`: no scheduled job has this id", "JOB_NOT_FOUND"),
        },
      },
    },
    async (request) => scheduler.resume(request.params.job_id, adminActor(request)),
  );

  app.get(
    "/jobs/failed",
    {
      config: { auth: "admin" },
      schema: {
        tags: ["admin"],
        operationId: "listFailedJobs",
        summary: "Failed jobs of a queue, newest first",
        querystring: FailedJobsQuery,
        response: { 200: Type.Ref(FailedJobPage, { description: "One page of failed jobs" }) },
      },
    },
    async (request) => jobs.listFailed(request.query.queue, request.query.page, request.query.page_size),
  );

  app.post(
    "/jobs/:queue/:job_id/retry",
    {
      config: { auth: "admin" },
      schema: {
        tags: ["admin"],
        operationId: "retryFailedJob",
        summary: "Send a failed job back to its queue for another try",
        description: "404 `NOT_FOUND` for an unknown job, 400 `INVALID_STATUS` for a job that has not failed.",
        params: QueueJobParams,
        response: {
          200: jobActionResult("The job is queued again"),
          400: errorResponse("`INVALID_STATUS`: the job has not failed", "INVALID_STATUS"),
          404: errorResponse("`NOT_FOUND`: no such job in the queue", "NOT_FOUND"),
        },
      },
    },
    async (request) => jobs.retry(request.params.queue, request.params.job_id, adminActor(request)),
  );
};
