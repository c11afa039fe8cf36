import { type JobsOptions, Queue, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import {
  type CleanupOutcome,
  type CleanupParams,
  type JobData,
  type JobName,
  Priority,
  QueueName,
  thumbnailJobId,
} from "./contracts";
import { addOptions, type JobSettings } from "./settings";

export interface QueueOptions {
  connection: Redis;
  prefix: string;
  settings: Record<JobName, JobSettings>;
}

/** Producer side of the queues, used by the API. */
export class JobQueues {
  readonly thumbnails: Queue;
  readonly maintenance: Queue;
  private maintenanceEvents: QueueEvents | undefined;

  constructor(private readonly options: QueueOptions) {
    const common = { connection: options.connection, prefix: options.prefix };
    this.thumbnails = new Queue(QueueName.thumbnails, common);
    this.maintenance = new Queue(QueueName.maintenance, common);
  }

  all(): Queue[] {
    return [this.thumbnails, this.maintenance];
  }

  async enqueueThumbnail(materialId: number, priority: number = Priority.upload): Promise<void> {
    const data: JobData<"generate_thumbnail"> = { materialId };
    await this.thumbnails.add("generate_thumbnail" satisfies JobName, data, {
      ...addOptions(this.options.settings.generate_thumbnail),
      jobId: thumbnailJobId(materialId),
      priority,
      removeOnComplete: { age: 3600, count: 1000 },
      removeOnFail: { age: 7 * 86400 },
    });
  }

  /** Runs a cleanup on the worker and waits for its result, at most `timeoutMs`. */
  async runCleanup(params: CleanupParams, timeoutMs: number): Promise<CleanupOutcome> {
    const events = await this.events();
    const options: JobsOptions = {
      ...addOptions(this.options.settings.cleanup),
      removeOnComplete: { age: 3600 },
      removeOnFail: { age: 86400 },
    };
    const job = await this.maintenance.add("cleanup" satisfies JobName, params, options);
    return (await job.waitUntilFinished(events, timeoutMs)) as CleanupOutcome;
  }

  private async events(): Promise<QueueEvents> {
    if (!this.maintenanceEvents) {
      // QueueEvents blocks on XREAD, so it needs a connection of its own.
      this.maintenanceEvents = new QueueEvents(QueueName.maintenance, {
        connection: this.options.connection.duplicate({ maxRetriesPerRequest: null, enableOfflineQueue: true }),
        prefix: this.options.prefix,
      });
      await this.maintenanceEvents.waitUntilReady();
    }
    return this.maintenanceEvents;
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.thumbnails.close(), this.maintenance.close(), this.maintenanceEvents?.close()]);
  }
}
