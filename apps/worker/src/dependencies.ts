import type { Config } from "@learning-hub/config";
import type { DatabaseHandle } from "@learning-hub/db";
import type { JobQueues, JobTable } from "@learning-hub/queue";
import type { ObjectStorage } from "@learning-hub/storage";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { FfmpegBinaries } from "./media";

/** Everything the worker needs from the outside; `main.ts` builds it, tests build it cheaply. */
export interface WorkerDependencies {
  config: Config;
  database: DatabaseHandle;
  storage: ObjectStorage;
  /** Blocking connection for BullMQ workers (`maxRetriesPerRequest: null`); its owner disconnects it. */
  connection: Redis;
  /** Defaults to the shared logger at `config.logLevel`. */
  logger?: Logger;
  /** Defaults to `locateFfmpeg()`; passed to every video render. */
  ffmpeg?: FfmpegBinaries;
  /** Record every job attempt in the run history (default true; the thumbnail benchmark measures its cost). */
  recordRuns?: boolean;
}

/** What handlers and services are built from: the dependencies plus what `buildWorker` wires. */
export interface JobDependencies extends Required<WorkerDependencies> {
  /** Producer side, for jobs that enqueue other jobs. */
  queues: JobQueues;
  settings: JobTable;
}
