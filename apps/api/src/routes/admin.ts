import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import {
  CleanupRequest,
  CleanupResponse,
  FailedJobPage,
  FailedJobsQuery,
  JobActionResultRef,
  JobIdParams,
  QueueJobParams,
  SchedulerStatus,
} from "../schemas/admin";
import { errorResponse } from "../schemas/route-responses";
import type { AdminCleanupService } from "../services/admin-cleanup-service";
import type { AdminJobsService } from "../services/admin-jobs-service";
import type { SchedulerService } from "../services/scheduler-service";

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
        summary: "Run a cleanup now and wait for its result",
        description:
          "Removes uploads stuck in `processing` for longer than `max_age_minutes` (with their objects) and " +
          "objects no material references that are older than the grace period; placeholders are never removed.",
        body: CleanupRequest,
        response: {
          200: CleanupResponse,
          500: errorResponse("`CLEANUP_FAILED`: the job failed or did not finish in time"),
        },
      },
    },
    async (request) =>
      cleanup.run({
        cleanupProcessing: request.body.cleanup_processing,
        cleanupOrphans: request.body.cleanup_orphans,
        maxAgeMinutes: request.body.max_age_minutes,
      }),
  );

  app.get(
    "/scheduler/status",
    {
      config: { auth: "admin" },
      schema: {
        tags: ["admin"],
        summary: "Whether workers run scheduled jobs, and when each runs next",
        response: { 200: SchedulerStatus },
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
        summary: "Pause a scheduled job (stays paused across restarts); pausing a paused job is fine",
        params: JobIdParams,
        response: { 200: JobActionResultRef, 404: errorResponse("`JOB_NOT_FOUND`: no scheduled job has this id") },
      },
    },
    async (request) => scheduler.pause(request.params.job_id),
  );

  app.post(
    "/scheduler/jobs/:job_id/resume",
    {
      config: { auth: "admin" },
      schema: {
        tags: ["admin"],
        summary: "Resume a scheduled job; resuming a running job is fine",
        params: JobIdParams,
        response: { 200: JobActionResultRef, 404: errorResponse("`JOB_NOT_FOUND`: no scheduled job has this id") },
      },
    },
    async (request) => scheduler.resume(request.params.job_id),
  );

  app.get(
    "/jobs/failed",
    {
      config: { auth: "admin" },
      schema: {
        tags: ["admin"],
        summary: "Failed jobs of a queue, newest first",
        querystring: FailedJobsQuery,
        response: { 200: FailedJobPage },
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
        summary: "Send a failed job back to its queue for another try",
        description: "404 `NOT_FOUND` for an unknown job, 400 `INVALID_STATUS` for a job that has not failed.",
        params: QueueJobParams,
        response: {
          200: JobActionResultRef,
          400: errorResponse("`INVALID_STATUS`: the job has not failed; `VALIDATION_ERROR`: bad parameters"),
          404: errorResponse("`NOT_FOUND`: no such job in the queue"),
        },
      },
    },
    async (request) => jobs.retry(request.params.queue, request.params.job_id),
  );
};
