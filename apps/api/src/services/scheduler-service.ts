import type { Config } from "@learning-hub/config";
import { ScheduledJobsRepository } from "@learning-hub/db/repositories/scheduled-jobs";
import {
  applySchedule,
  type DesiredSchedule,
  desiredSchedule,
  findPausableSchedule,
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
import { scheduledJobNotFound } from "../errors/app-error";
import { type JobActionResult, type SchedulerStatus, toNextRunTime } from "../schemas/admin";

export interface SchedulerServiceOptions {
  config: Config;
  repository: ScheduledJobsRepository;
  queues: JobQueues;
  redis: Redis;
  settings: JobTable;
  logger: FastifyBaseLogger;
}

/**
 * Pause, resume and status of the scheduled jobs. The desired state is
 * written to PostgreSQL first (it is what survives restarts); the API then
 * applies it to BullMQ itself and tells the workers, so no worker has to be
 * up for pause/resume to answer, and a worker that misses the message picks
 * the change up on its next periodic reconcile.
 */
export class SchedulerService {
  constructor(private readonly options: SchedulerServiceOptions) {}

  async status(): Promise<SchedulerStatus> {
    const { queues, repository } = this.options;
    // Every scheduled job runs on the maintenance queue; a consumer of it is what makes them run.
    const workers = await queues.maintenance.getWorkersCount();
    const pausable = SCHEDULES.filter((definition) => definition.pausable);
    const jobs = await Promise.all(
      pausable.map(async (definition) => {
        const paused = (await repository.find(definition.id))?.paused ?? false;
        const next = paused ? null : await nextRunTime(scheduleQueue(queues, definition), definition);
        return { id: definition.id, name: definition.displayName, next_run_time: toNextRunTime(next) };
      }),
    );
    return { running: workers > 0, jobs };
  }

  pause(jobId: string): Promise<JobActionResult> {
    return this.setPaused(jobId, true);
  }

  resume(jobId: string): Promise<JobActionResult> {
    return this.setPaused(jobId, false);
  }

  private async setPaused(jobId: string, paused: boolean): Promise<JobActionResult> {
    const definition = findPausableSchedule(jobId);
    if (!definition) throw scheduledJobNotFound(jobId);
    const { repository, config } = this.options;
    await repository.seed(scheduleSeeds(config));
    const row = await repository.setPaused(definition.id, paused);
    if (!row) throw new Error(`scheduled job ${definition.id} vanished while being updated`);
    await this.applyAndAnnounce(definition, desiredSchedule(definition, row, config));
    return {
      success: true,
      message: `Job ${definition.id} ${paused ? "paused" : "resumed"} successfully`,
      job_id: definition.id,
    };
  }

  /** Best effort: the state is saved, and every worker re-applies it within `cleanup.reconcileSeconds` anyway. */
  private async applyAndAnnounce(definition: ScheduleDefinition, desired: DesiredSchedule): Promise<void> {
    const { queues, redis, settings, config, logger } = this.options;
    try {
      await applySchedule(scheduleQueue(queues, definition), definition, desired, settings[definition.jobName]);
      await redis.publish(schedulerChangedChannel(config.redis.prefix), definition.id);
    } catch (error) {
      logger.warn(
        { scheduler: definition.id, err: error },
        "could not apply the scheduler change to Redis; workers will reconcile it",
      );
    }
  }
}

export function createSchedulerService(deps: ServiceDependencies): SchedulerService {
  return new SchedulerService({
    config: deps.config,
    repository: new ScheduledJobsRepository(deps.database.db),
    queues: deps.queues,
    redis: deps.redis,
    settings: jobSettings(deps.config),
    logger: deps.logger,
  });
}
