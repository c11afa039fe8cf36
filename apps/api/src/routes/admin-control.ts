import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import {
  AuditPage,
  AuditQuery,
  JobIdParams,
  JobRunPage,
  JobRunsQuery,
  QueueList,
  QueueParams,
  QueuePatch,
  QueueStatus,
  RunAccepted,
  ScheduledJob,
  ScheduleEditRequest,
  ScheduleRunsQuery,
} from "../schemas/admin";
import { errorResponse } from "../schemas/route-responses";
import type { AuditService } from "../services/audit-service";
import type { QueueControlService } from "../services/queue-control-service";
import type { RunHistoryService } from "../services/run-history-service";
import type { SchedulerService } from "../services/scheduler-service";
import { adminActor } from "./admin-actor";

export interface AdminControlRoutesOptions {
  scheduler: SchedulerService;
  runHistory: RunHistoryService;
  audit: AuditService;
  queueControls: QueueControlService;
}

const jobNotFound = errorResponse("`JOB_NOT_FOUND`: no scheduled job has this id");

/** `/api/v1/admin`: editing and running scheduled jobs, run history, audit trail, queue controls; admins only. */
export const adminControlRoutes: FastifyPluginAsyncTypebox<AdminControlRoutesOptions> = async (
  app,
  { scheduler, runHistory, audit, queueControls },
) => {
  app.patch(
    "/scheduler/jobs/:job_id",
    {
      config: { auth: "admin" },
      schema: {
        tags: ["admin"],
        summary: "Change a scheduled job's cron (UTC); every worker applies it within seconds",
        description:
          "Stored in PostgreSQL, so restarts and a Redis flush keep it. 400 `VALIDATION_ERROR` with the cron " +
          "parser's reason, or for a schedule running more often than once a minute.",
        params: JobIdParams,
        body: ScheduleEditRequest,
        response: { 200: ScheduledJob, 404: jobNotFound },
      },
    },
    async (request) => scheduler.edit(request.params.job_id, request.body.cron, adminActor(request)),
  );

  app.post(
    "/scheduler/jobs/:job_id/run",
    {
      config: { auth: "admin" },
      schema: {
        tags: ["admin"],
        summary: "Run a scheduled job now",
        description: "At most one run of a job at a time: 409 `JOB_ALREADY_RUNNING` while one waits or runs.",
        params: JobIdParams,
        response: {
          202: RunAccepted,
          404: jobNotFound,
          409: errorResponse("`JOB_ALREADY_RUNNING`: a run of this job waits or runs (`details.run_id`)"),
        },
      },
    },
    async (request, reply) => reply.code(202).send(await scheduler.run(request.params.job_id, adminActor(request))),
  );

  app.get(
    "/scheduler/jobs/:job_id/runs",
    {
      config: { auth: "admin" },
      schema: {
        tags: ["admin"],
        summary: "Run history of a scheduled job, newest first",
        params: JobIdParams,
        querystring: ScheduleRunsQuery,
        response: { 200: JobRunPage, 404: jobNotFound },
      },
    },
    async (request) => scheduler.runs(request.params.job_id, request.query),
  );

  app.get(
    "/jobs",
    {
      config: { auth: "admin" },
      schema: {
        tags: ["admin"],
        summary: "Run history of every job of every queue, newest first",
        description: "One row per attempt, recorded by the worker; kept `JOB_RUN_RETENTION_DAYS` days.",
        querystring: JobRunsQuery,
        response: { 200: JobRunPage },
      },
    },
    async (request) => {
      const { queue, name, outcome, material_id, page, page_size } = request.query;
      return runHistory.list({ queue, jobName: name, outcome, materialId: material_id }, page, page_size);
    },
  );

  app.get(
    "/audit",
    {
      config: { auth: "admin" },
      schema: {
        tags: ["admin"],
        summary: "Audit trail of admin actions, newest first",
        querystring: AuditQuery,
        response: { 200: AuditPage },
      },
    },
    async (request) => audit.list(request.query.page, request.query.page_size),
  );

  app.get(
    "/queues",
    {
      config: { auth: "admin" },
      schema: {
        tags: ["admin"],
        summary: "Each queue: jobs by state, paused, global concurrency limit, workers connected",
        response: { 200: QueueList },
      },
    },
    async () => queueControls.list(),
  );

  app.patch(
    "/queues/:queue",
    {
      config: { auth: "admin" },
      schema: {
        tags: ["admin"],
        summary: "Pause or resume a queue and set its global concurrency (null: no limit)",
        description: "Stored in PostgreSQL and applied to BullMQ by the API and every worker within seconds.",
        params: QueueParams,
        body: QueuePatch,
        response: { 200: QueueStatus },
      },
    },
    async (request) => queueControls.update(request.params.queue, request.body, adminActor(request)),
  );
};
