import type { Config } from "@learning-hub/config";
import type { DatabaseHandle } from "@learning-hub/db";
import { QueueControlsRepository } from "@learning-hub/db/repositories/queue-controls";
import { ScheduledJobsRepository } from "@learning-hub/db/repositories/scheduled-jobs";
import {
  applyQueueControl,
  applySchedule,
  desiredSchedule,
  type JobQueues,
  type JobTable,
  type ScheduleDefinition,
  scheduleQueue,
  schedulerChangedChannel,
  scheduleSeeds,
} from "@learning-hub/queue";
import type { Redis } from "ioredis";
import type { Logger } from "pino";

export interface ScheduleReconcilerOptions {
  config: Config;
  logger: Logger;
  database: DatabaseHandle;
  queues: JobQueues;
  settings: JobTable;
  /** Duplicated for the pub/sub subscription, which needs a connection of its own. */
  connection: Redis;
  /** The entries of `SCHEDULES` this reconciler owns. */
  schedules: readonly ScheduleDefinition[];
}

/**
 * Keeps BullMQ's job schedulers equal to the desired state in PostgreSQL and config (`desiredSchedule`),
 * and each queue's pause and global concurrency equal to its `queue_controls` row:
 * at start-up, whenever the API announces a change, and every
 * `cleanup.reconcileSeconds` (which brings a flushed Redis back without a
 * restart). Runs never overlap within a process; a request arriving during a
 * run triggers one more run, so the last run always reads the latest state.
 */
export class ScheduleReconciler {
  private readonly repository: ScheduledJobsRepository;
  private readonly controls: QueueControlsRepository;
  private subscriber: Redis | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private requestedAgain = false;
  private closed = false;

  constructor(private readonly options: ScheduleReconcilerOptions) {
    this.repository = new ScheduledJobsRepository(options.database.db);
    this.controls = new QueueControlsRepository(options.database.db);
  }

  /** Seeds the missing rows, reconciles once and starts listening; a database failure fails start-up. */
  async start(): Promise<void> {
    await this.repository.seed(scheduleSeeds(this.options.config));
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
    await this.reconcileSchedules();
    await this.reconcileQueues();
  }

  private async reconcileSchedules(): Promise<void> {
    const { config, logger, queues, settings } = this.options;
    for (const definition of this.options.schedules) {
      try {
        const queue = scheduleQueue(queues, definition);
        // No row means nobody has changed it: start-up always seeds one, so it was deleted by hand.
        const { change, desired } = await this.repository.applyLocked(definition.id, async (stored) => {
          const desired = desiredSchedule(definition, stored, config);
          return { change: await applySchedule(queue, definition, desired, settings[definition.jobName]), desired };
        });
        if (change !== "unchanged" && change !== "absent") {
          logger.info({ scheduler: definition.id, change, ...desired }, "job scheduler reconciled");
        }
      } catch (error) {
        // The next signal or tick tries again.
        logger.warn({ scheduler: definition.id, err: error }, "job scheduler reconcile failed");
      }
    }
  }

  /** The queues' pause and global concurrency, as admins set them (no row: unpaused, unlimited). */
  private async reconcileQueues(): Promise<void> {
    const { logger, queues } = this.options;
    for (const queue of queues.all()) {
      try {
        const changes = await this.controls.applyLocked(queue.name, (desired) => applyQueueControl(queue, desired));
        if (changes.length > 0) logger.info({ queue: queue.name, changes }, "queue controls reconciled");
      } catch (error) {
        logger.warn({ queue: queue.name, err: error }, "queue controls reconcile failed");
      }
    }
  }

  private async subscribe(): Promise<void> {
    const channel = schedulerChangedChannel(this.options.config.redis.prefix);
    const subscriber = this.options.connection.duplicate();
    this.subscriber = subscriber;
    subscriber.on("error", (err) => this.options.logger.warn({ err }, "scheduler subscriber error"));
    subscriber.on("message", (received) => {
      if (received === channel) void this.reconcile();
    });
    // ioredis re-subscribes after a reconnect; whatever was announced meanwhile is picked up by the next tick.
    await subscriber.subscribe(channel);
  }
}
