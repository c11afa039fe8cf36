import type { Config } from "@learning-hub/config";
import type { DatabaseHandle } from "@learning-hub/db";
import type { JobName, JobQueues, JobSettings } from "@learning-hub/queue";
import type { ObjectStorage } from "@learning-hub/storage";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { FfmpegBinaries } from "./media";

export interface WorkerDependencies {
  config: Config;
  logger: Logger;
  database: DatabaseHandle;
  storage: ObjectStorage;
  /** Blocking connection for BullMQ workers (`maxRetriesPerRequest: null`). */
  connection: Redis;
  /** Producer side, for jobs that enqueue other jobs and for the scheduler. */
  queues: JobQueues;
  settings: Record<JobName, JobSettings>;
  /** Located once at start-up (`locateFfmpeg()`) and passed to every video render. */
  ffmpeg: FfmpegBinaries;
}
