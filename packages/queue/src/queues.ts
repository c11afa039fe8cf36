import { Queue, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import {
  type CleanupOutcome,
  type CleanupParams,
  JobContracts,
  type JobData,
  type JobName,
  prepareMediaJobId,
  QueueName,
  storyboardJobId,
  textExtractionJobId,
  thumbnailJobId,
} from "./contracts";
import { addOptions, type JobTable } from "./job-table";
import type { ScheduleDefinition } from "./schedules";

export interface QueueOptions {
  connection: Redis;
  prefix: string;
  settings: JobTable;
}

/** Producer side of the queues, used by the API. */
export class JobQueues {
  readonly thumbnails: Queue;
  readonly maintenance: Queue;
  readonly media: Queue;
  private maintenanceEvents: QueueEvents | undefined;

  constructor(private readonly options: QueueOptions) {
    const common = { connection: options.connection, prefix: options.prefix };
    this.thumbnails = new Queue(QueueName.thumbnails, common);
    this.maintenance = new Queue(QueueName.maintenance, common);
    this.media = new Queue(QueueName.media, common);
  }

  all(): Queue[] {
    return [this.thumbnails, this.maintenance, this.media];
  }

  /** Issue 15: conversion or transcode of an uploaded original, then activation. */
  async enqueuePrepareMedia(materialId: number): Promise<void> {
    const data: JobData<"prepare_media"> = { materialId };
    await this.media.add("prepare_media" satisfies JobName, data, {
      ...addOptions(this.options.settings.prepare_media),
      jobId: prepareMediaJobId(materialId),
    });
  }

  async enqueueStoryboard(materialId: number): Promise<void> {
    const data: JobData<"render_storyboard"> = { materialId };
    await this.media.add("render_storyboard" satisfies JobName, data, {
      ...addOptions(this.options.settings.render_storyboard),
      jobId: storyboardJobId(materialId),
    });
  }

  /** `priority` defaults to the job table's (a fresh upload's); the sweep passes `Priority.backfill`. */
  async enqueueThumbnail(materialId: number, priority?: number): Promise<void> {
    const data: JobData<"generate_thumbnail"> = { materialId };
    const settings = this.options.settings.generate_thumbnail;
    await this.thumbnails.add("generate_thumbnail" satisfies JobName, data, {
      ...addOptions({ ...settings, priority: priority ?? settings.priority }),
      jobId: thumbnailJobId(materialId),
    });
  }

  /** A PDF's page text extraction; `priority` defaults to the job table's (a fresh upload's). */
  async enqueueTextExtraction(materialId: number, priority?: number): Promise<void> {
    const data: JobData<"extract_text"> = { materialId };
    const settings = this.options.settings.extract_text;
    await this.thumbnails.add("extract_text" satisfies JobName, data, {
      ...addOptions({ ...settings, priority: priority ?? settings.priority }),
      jobId: textExtractionJobId(materialId),
    });
  }

  /** Runs a cleanup on the worker and waits for its result, at most `timeoutMs`. */
  async runCleanup(params: CleanupParams, timeoutMs: number): Promise<CleanupOutcome> {
    const events = await this.events();
    const job = await this.maintenance.add(
      "cleanup" satisfies JobName,
      params,
      addOptions(this.options.settings.cleanup),
    );
    return (await job.waitUntilFinished(events, timeoutMs)) as CleanupOutcome;
  }

  /**
   * Adds a run of a scheduled job now, unless one is waiting or running: the scheduled ones are checked
   * first, then BullMQ's deduplication (one id per schedule, held until the run finishes) settles two
   * requests racing. Returns the new run's job id, or the id of the run already under way.
   */
  async enqueueScheduledRun(
    definition: ScheduleDefinition,
    runId: string,
  ): Promise<{ added: true; jobId: string } | { added: false; jobId: string }> {
    const queue = this[JobContracts[definition.jobName].queue];
    const underway = await queue.getJobs(["active", "waiting", "prioritized", "paused"], 0, 999);
    const running = underway.find((job) => job?.name === definition.jobName);
    if (running?.id) return { added: false, jobId: running.id };
    const job = await queue.add(definition.jobName, definition.data, {
      ...addOptions(this.options.settings[definition.jobName]),
      jobId: runId,
      deduplication: { id: `run-${definition.id}` },
    });
    const jobId = job.id ?? runId;
    return jobId === runId ? { added: true, jobId } : { added: false, jobId };
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
    await Promise.allSettled([
      this.thumbnails.close(),
      this.maintenance.close(),
      this.media.close(),
      this.maintenanceEvents?.close(),
    ]);
  }
}
