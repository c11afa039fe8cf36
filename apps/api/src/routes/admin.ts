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
import { errorResponses } from "../schemas/common";
import type { AdminCleanupService } from "../services/admin-cleanup-service";
import type { AdminJobsService } from "../services/admin-jobs-service";
import type { SchedulerService } from "../services/scheduler-service";

export interface AdminRoutesOptions {
  cleanup: AdminCleanupService;
  scheduler: SchedulerService;
  jobs: AdminJobsService;
}

const bearer = [{ bearerAuth: [] }];

/** `/api/v1/admin`: cleanup and the scheduled jobs; admins only. */
export const adminRoutes: FastifyPluginAsyncTypebox<AdminRoutesOptions> = async (app, { cleanup, scheduler, jobs }) => {
  app.addSchema(JobActionResult);
  // Before body parsing and validation, so nobody but an admin learns anything from this prefix.
  app.addHook("onRequest", app.requireAdmin);

  app.post(
    "/cleanup",
    {
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
        security: bearer,
        body: CleanupRequest,
        response: {
          200: CleanupResponse,
          500: Type.Ref("ErrorEnvelope", { description: "`CLEANUP_FAILED`: the job failed or did not finish in time" }),
          ...errorResponses(400, 401, 403, 422),
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
      schema: {
        tags: ["admin"],
        summary: "Whether workers run scheduled jobs, and when each runs next",
        security: bearer,
        response: { 200: SchedulerStatus, ...errorResponses(401, 403) },
      },
    },
    async () => scheduler.status(),
  );

  app.post(
    "/scheduler/jobs/:job_id/pause",
    {
      schema: {
        tags: ["admin"],
        summary: "Pause a scheduled job (stays paused across restarts); pausing a paused job is fine",
        security: bearer,
        params: JobIdParams,
        response: { 200: Type.Ref(JobActionResult), ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => scheduler.pause(request.params.job_id),
  );

  app.post(
    "/scheduler/jobs/:job_id/resume",
    {
      schema: {
        tags: ["admin"],
        summary: "Resume a scheduled job; resuming a running job is fine",
        security: bearer,
        params: JobIdParams,
        response: { 200: Type.Ref(JobActionResult), ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => scheduler.resume(request.params.job_id),
  );

  app.get(
    "/jobs/failed",
    {
      schema: {
        tags: ["admin"],
        summary: "Failed jobs of a queue, newest first",
        security: bearer,
        querystring: FailedJobsQuery,
        response: { 200: FailedJobPage, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => jobs.listFailed(request.query.queue, request.query.page, request.query.page_size),
  );

  app.post(
    "/jobs/:queue/:job_id/retry",
    {
      schema: {
        tags: ["admin"],
        summary: "Send a failed job back to its queue for another try",
        description: "404 `NOT_FOUND` for an unknown job, 400 `INVALID_STATUS` for a job that has not failed.",
        security: bearer,
        params: QueueJobParams,
        response: { 200: Type.Ref(JobActionResult), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => jobs.retry(request.params.queue, request.params.job_id),
  );
};
