import type { Config } from "@learning-hub/config";
import type { DatabaseHandle } from "@learning-hub/db";
import { ScheduledJobsRepository } from "@learning-hub/db/repositories/scheduled-jobs";
import {
  applySchedule,
  type JobName,
  type JobQueues,
  type JobSettings,
  SCHEDULED_JOBS,
  schedulerChangedChannel,
  schedulerQueue,
} from "@learning-hub/queue";
import type { Redis } from "ioredis";
import type { Logger } from "pino";

export interface ScheduleReconcilerOptions {
  config: Config;
  logger: Logger;
  database: DatabaseHandle;
  queues: JobQueues;
  settings: Record<JobName, JobSettings>;
  /** Duplicated for the pub/sub subscription, which needs a connection of its own. */
  connection: Redis;
  /**
   * Schedulers that cannot be paused (e.g. the thumbnail sweep): each reconcile re-creates them when
   * missing, so a flushed Redis gets them back too. Each returns whether it created its scheduler.
   */
  fixedSchedules?: Record<string, () => Promise<boolean>>;
}

/**
 * Keeps BullMQ's job schedulers equal to the desired state in PostgreSQL:
 * at start-up, whenever the API announces a change, and every
 * `cleanup.reconcileSeconds` (which brings a flushed Redis back without a
 * restart). Runs never overlap within a process; a request arriving during a
 * run triggers one more run, so the last run always reads the latest state.
 */
export class ScheduleReconciler {
  private readonly repository: ScheduledJobsRepository;
  private subscriber: Redis | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private requestedAgain = false;
  private closed = false;

  constructor(private readonly options: ScheduleReconcilerOptions) {
    this.repository = new ScheduledJobsRepository(options.database.db);
  }

  /** Records this worker's schedule, reconciles once and starts listening; a database failure fails start-up. */
  async start(): Promise<void> {
    for (const definition of SCHEDULED_JOBS) {
      await this.repository.upsertSchedule({
        id: definition.id,
        name: definition.name,
        schedule: this.options.config.cleanup.schedule,
      });
    }
    await this.reconcile();
    await this.subscribe();
    this.timer = setInterval(() => void this.reconcile(), this.options.config.cleanup.reconcileSeconds * 1000);
  }

  /** Runs a reconcile now (or once more after the one in progress); never rejects. */
  reconcile(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.running) {
      this.requestedAgain = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.requestedAgain = false;
          await this.reconcileOnce();
        } while (this.requestedAgain && !this.closed);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.running;
    this.subscriber?.disconnect();
  }

  private async reconcileOnce(): Promise<void> {
    const { logger, queues, settings } = this.options;
    for (const definition of SCHEDULED_JOBS) {
      try {
        const desired = await this.repository.find(definition.id);
        // No row means nobody has paused it: start-up always writes one, so it was deleted by hand.
        const state = { pattern: desired?.schedule ?? this.options.config.cleanup.schedule, paused: !!desired?.paused };
        const change = await applySchedule(
          schedulerQueue(queues, definition),
          definition,
          state,
          settings[definition.name],
        );
        if (change !== "unchanged" && change !== "absent") {
          logger.info({ scheduler: definition.id, change, ...state }, "job scheduler reconciled");
        }
      } catch (error) {
        // The next signal or tick tries again.
        logger.warn({ scheduler: definition.id, err: (error as Error).message }, "job scheduler reconcile failed");
      }
    }
    for (const [id, ensure] of Object.entries(this.options.fixedSchedules ?? {})) {
      try {
        if (await ensure()) logger.info({ scheduler: id, change: "created" }, "job scheduler reconciled");
      } catch (error) {
        logger.warn({ scheduler: id, err: (error as Error).message }, "job scheduler reconcile failed");
      }
    }
  }

  private async subscribe(): Promise<void> {
    const channel = schedulerChangedChannel(this.options.config.redis.prefix);
    const subscriber = this.options.connection.duplicate();
    this.subscriber = subscriber;
    subscriber.on("error", (err) => this.options.logger.warn({ err: err.message }, "scheduler subscriber error"));
    subscriber.on("message", (received) => {
      if (received === channel) void this.reconcile();
    });
    // ioredis re-subscribes after a reconnect; whatever was announced meanwhile is picked up by the next tick.
    await subscriber.subscribe(channel);
  }
}
