import { randomUUID } from "node:crypto";
import { type Config, checkCronSchedule, nextCronRuns } from "@learning-hub/config";
import type { ScheduledJobRow } from "@learning-hub/db";
import { ScheduledJobsRepository } from "@learning-hub/db/repositories/scheduled-jobs";
import {
  applySchedule,
  desiredSchedule,
  findSchedule,
  type JobQueues,
  type JobTable,
  jobSettings,
  nextRunTime,
  SCHEDULES,
  type ScheduleDefinition,
  scheduleQueue,
  schedulerChangedChannel,
  scheduleSeeds,
} from "@learning-hub/queue";
import type { FastifyBaseLogger } from "fastify";
import type { Redis } from "ioredis";
import type { ServiceDependencies } from "../dependencies";
import { invalidCron, jobAlreadyRunning, scheduledJobNotFound } from "../errors/app-error";
import {
  type JobActionResult,
  type JobRunPage,
  type RunAccepted,
  type ScheduledJob,
  type ScheduleRunsQuery,
  type SchedulerStatus,
  toNextRunTime,
} from "../schemas/admin";
import { toTimestamp } from "../schemas/common";
import type { AdminActor, AuditService } from "./audit-service";
import { createRedisGuard, type RedisGuard } from "./redis-guard";
import type { RunHistoryService } from "./run-history-service";

/** How many coming run times an edit answers with. */
const NEXT_RUNS = 5;

export interface SchedulerServiceOptions {
  config: Config;
  repository: ScheduledJobsRepository;
  queues: JobQueues;
  redis: Redis;
  settings: JobTable;
  logger: FastifyBaseLogger;
  history: RunHistoryService;
  audit: AuditService;
  /** Bounds the Redis side: status and run are 503 without Redis; edits, pause and resume then only save the state. */
  redisGuard: RedisGuard;
}

/**
 * Status, edits, pause/resume and runs of the scheduled jobs (every entry of `SCHEDULES`). The desired
 * state is written to PostgreSQL first, under the row's lock (it is what survives restarts and a Redis
 * flush); the API then applies it to BullMQ under the appliers' lock and tells the workers, so no worker
 * has to be up for a change to answer, and a worker that misses the message picks it up on its next
 * periodic reconcile.
 */
export class SchedulerService {
  constructor(private readonly options: SchedulerServiceOptions) {}

  async status(): Promise<SchedulerStatus> {
    const { queues, repository, history, config, redisGuard } = this.options;
    // PostgreSQL first, so that only the Redis side is bounded by the guard.
    const [lastRuns, schedules] = await Promise.all([
      history.lastRuns(SCHEDULES.map((definition) => definition.id)),
      Promise.all(
        SCHEDULES.map(async (definition) => ({
          definition,
          desired: desiredSchedule(definition, await repository.find(definition.id), config),
        })),
      ),
    ]);
    return redisGuard.run(async () => {
      // Every scheduled job runs on the maintenance queue; a consumer of it is what makes them run.
      const workers = await queues.maintenance.getWorkersCount();
      const jobs = await Promise.all(
        schedules.map(async ({ definition, desired: { paused, pattern } }) => {
          const next = paused ? null : await nextRunTime(scheduleQueue(queues, definition), definition);
          return {
            id: definition.id,
            name: definition.displayName,
            next_run_time: toNextRunTime(next),
            cron: pattern,
            paused,
            last_run: lastRuns.get(definition.id) ?? null,
          };
        }),
      );
      return { running: workers > 0, jobs };
    });
  }

  pause(jobId: string, actor: AdminActor): Promise<JobActionResult> {
    return this.setPaused(jobId, true, actor);
  }

  resume(jobId: string, actor: AdminActor): Promise<JobActionResult> {
    return this.setPaused(jobId, false, actor);
  }

  /** Sets the cron of a scheduled job (validated: the parser's reason, at most once a minute). */
  async edit(jobId: string, cron: string, actor: AdminActor): Promise<ScheduledJob> {
    const definition = this.definition(jobId);
    const check = checkCronSchedule(cron);
    if (!check.valid) throw invalidCron(check.reason);
    const { before, after } = await this.change(definition, (repository) =>
      repository.setSchedule(definition.id, check.pattern),
    );
    await this.options.audit.record(actor, {
      action: "scheduler.edit",
      targetType: "scheduled_job",
      targetId: definition.id,
      before: { cron: before.schedule },
      after: { cron: after.schedule },
    });
    const lastRuns = await this.options.history.lastRuns([definition.id]);
    return {
      id: definition.id,
      name: definition.displayName,
      cron: after.schedule,
      paused: after.paused,
      next_runs: nextCronRuns(after.schedule, NEXT_RUNS).map(toTimestamp),
      last_run: lastRuns.get(definition.id) ?? null,
    };
  }

  /** Queues a run now; 409 while a run of the job waits or runs. */
  async run(jobId: string, actor: AdminActor): Promise<RunAccepted> {
    const definition = this.definition(jobId);
    const { queues, redisGuard } = this.options;
    const result = await redisGuard.run(() =>
      queues.enqueueScheduledRun(definition, `run-${definition.id}-${randomUUID()}`),
    );
    if (!result.added) throw jobAlreadyRunning(definition.id, result.jobId);
    await this.options.audit.record(actor, {
      action: "scheduler.run",
      targetType: "scheduled_job",
      targetId: definition.id,
      after: { run_id: result.jobId },
    });
    return { run_id: result.jobId };
  }

  /** The run history of one scheduled job (its scheduled runs and those started by `run`). */
  runs(jobId: string, query: ScheduleRunsQuery): Promise<JobRunPage> {
    const definition = this.definition(jobId);
    return this.options.history.list(
      { schedulerId: definition.id, outcome: query.outcome },
      query.page,
      query.page_size,
    );
  }

  private async setPaused(jobId: string, paused: boolean, actor: AdminActor): Promise<JobActionResult> {
    const definition = this.definition(jobId);
    const { before, after } = await this.change(definition, (repository) =>
      repository.setPaused(definition.id, paused),
    );
    await this.options.audit.record(actor, {
      action: paused ? "scheduler.pause" : "scheduler.resume",
      targetType: "scheduled_job",
      targetId: definition.id,
      before: { paused: before.paused },
      after: { paused: after.paused },
    });
    return {
      success: true,
      message: `Job ${definition.id} ${paused ? "paused" : "resumed"} successfully`,
      job_id: definition.id,
    };
  }

  private definition(jobId: string): ScheduleDefinition {
    const definition = findSchedule(jobId);
    if (!definition) throw scheduledJobNotFound(jobId);
    return definition;
  }

  /** Writes a change of the row (seeded first), then applies the latest committed state and announces it. */
  private async change(
    definition: ScheduleDefinition,
    write: (
      repository: ScheduledJobsRepository,
    ) => Promise<{ before: ScheduledJobRow; after: ScheduledJobRow } | undefined>,
  ): Promise<{ before: ScheduledJobRow; after: ScheduledJobRow }> {
    const { repository, config } = this.options;
    await repository.seed(scheduleSeeds(config));
    const change = await write(repository);
    if (!change) throw new Error(`scheduled job ${definition.id} vanished while being updated`);
    await this.applyAndAnnounce(definition);
    return change;
  }

  /**
   * Best effort: the state is saved, and every worker re-applies it within `cleanup.reconcileSeconds` anyway.
   * Applied with the row as committed under the appliers' lock, so concurrent changes end on the last one.
   */
  private async applyAndAnnounce(definition: ScheduleDefinition): Promise<void> {
    const { queues, redis, settings, config, logger, repository, redisGuard } = this.options;
    try {
      await redisGuard.run(async () => {
        await repository.applyLocked(definition.id, (row) =>
          applySchedule(
            scheduleQueue(queues, definition),
            definition,
            desiredSchedule(definition, row, config),
            settings[definition.jobName],
          ),
        );
        await redis.publish(schedulerChangedChannel(config.redis.prefix), definition.id);
      });
    } catch (error) {
      logger.warn(
        { scheduler: definition.id, err: error },
        "could not apply the scheduler change to Redis; workers will reconcile it",
      );
    }
  }
}

export function createSchedulerService(
  deps: ServiceDependencies,
  history: RunHistoryService,
  audit: AuditService,
): SchedulerService {
  return new SchedulerService({
    config: deps.config,
    repository: new ScheduledJobsRepository(deps.database.db),
    queues: deps.queues,
    redis: deps.redis,
    settings: jobSettings(deps.config),
    logger: deps.logger,
    history,
    audit,
    redisGuard: createRedisGuard(deps.redis, deps.config.redis.commandTimeoutMs),
  });
}
