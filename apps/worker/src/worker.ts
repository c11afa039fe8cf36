import { JobRunsRepository } from "@learning-hub/db/repositories/job-runs";
import { createLogger } from "@learning-hub/lifecycle";
import { type HealthReport, type MetricsServer, startMetricsServer } from "@learning-hub/metrics";
import { JobQueues, jobSettings, QueueName, SCHEDULES, scheduleOfJob } from "@learning-hub/queue";
import type { Logger } from "pino";
import type { JobDependencies, WorkerDependencies } from "./dependencies";
import { RunRecorder } from "./history/run-recorder";
import { createJobHandlers } from "./jobs/handlers";
import { summarizeRun } from "./jobs/run-summaries";
import { startWorkers, type WorkerRuntime } from "./jobs/runtime";
import { locateFfmpeg } from "./media";
import { createWorkerMetrics, isFinalFailure, type WorkerMetrics } from "./metrics";
import { ScheduleReconciler } from "./scheduler/schedule-reconciler";
import { prepareThumbnailWork } from "./services/thumbnail-startup";
import { workersHealth } from "./worker-health";

/** How long closing waits for the run history's last writes. */
const RUN_HISTORY_FLUSH_MS = 2_000;

export interface WorkerStartOptions {
  /** Only consume these queues (default: all). */
  queues?: QueueName[];
  /** Ids of the schedules (`SCHEDULES`) to reconcile with PostgreSQL (default all; none starts no reconciler). */
  schedules?: readonly string[];
}

/** A built worker: everything wired, nothing consuming until `start`. */
export interface LearningHubWorker {
  logger: Logger;
  queues: JobQueues;
  metrics: WorkerMetrics;
  /** What handlers and services are built from. */
  jobDependencies: JobDependencies;
  /** Set by `start` unless started with no schedules. */
  scheduler: ScheduleReconciler | undefined;
  /** Set by `start`. */
  runtime: WorkerRuntime | undefined;
  /**
   * Prepares the thumbnail side, reconciles the schedules (before consuming, so a scheduler paused while
   * Redis was away never fires here), starts the consumers and, unless its port is 0, the metrics server.
   * With port 0 it resolves before any job can start, so a caller can still attach event listeners.
   */
  start(options?: WorkerStartOptions): Promise<WorkerRuntime>;
  /** Liveness: every consumer's loop runs. */
  health(): HealthReport;
  /**
   * Active jobs finish; jobs not yet taken stay queued for other workers; a job cut off by the shutdown
   * timeout is handed to another worker through stalled-job recovery. The injected connection stays open.
   */
  close(): Promise<void>;
}

/** `WORKER_QUEUES` as queue names (null: all); an unknown name fails start-up rather than consuming nothing. */
export function configuredQueues(names: string[] | null): QueueName[] | undefined {
  if (!names) return undefined;
  const known = Object.values(QueueName) as string[];
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new Error(`WORKER_QUEUES names unknown queues: ${unknown.join(", ")} (known: ${known.join(", ")})`);
  }
  return names as QueueName[];
}

/** The worker's composition root, the counterpart of the API's `buildApp`. */
export function buildWorker(deps: WorkerDependencies): LearningHubWorker {
  const { config, connection } = deps;
  const logger = deps.logger ?? createLogger(config).child({ service: "worker" });
  const settings = jobSettings(config);
  const queues = new JobQueues({ connection, prefix: config.redis.prefix, settings });
  const jobDependencies: JobDependencies = {
    ...deps,
    logger,
    ffmpeg: deps.ffmpeg ?? locateFfmpeg(),
    recordRuns: deps.recordRuns ?? true,
    queues,
    settings,
  };
  const metrics = createWorkerMetrics(queues);
  const recorder = jobDependencies.recordRuns
    ? new RunRecorder({
        repository: new JobRunsRepository(deps.database.db),
        logger,
        scheduleOf: (job) => scheduleOfJob(job.name)?.id ?? null,
        summarize: (job, result) => summarizeRun(job.name, result),
        isFinalFailure,
      })
    : undefined;
  let metricsServer: MetricsServer | undefined;

  const worker: LearningHubWorker = {
    logger,
    queues,
    metrics,
    jobDependencies,
    scheduler: undefined,
    runtime: undefined,
    async start(options = {}) {
      if (worker.runtime) throw new Error("the worker is already started");
      const consumed = options.queues ?? configuredQueues(config.workerQueues);
      if (!consumed || consumed.includes("thumbnails")) await prepareThumbnailWork(jobDependencies);
      const ids = options.schedules;
      const schedules = ids ? SCHEDULES.filter((definition) => ids.includes(definition.id)) : SCHEDULES;
      if (schedules.length > 0) {
        const { database } = deps;
        worker.scheduler = new ScheduleReconciler({
          config,
          logger,
          database,
          queues,
          settings,
          connection,
          schedules,
        });
        await worker.scheduler.start();
      }
      const handlers = createJobHandlers(jobDependencies);
      const runtime = startWorkers({
        config,
        logger,
        connection,
        handlers,
        settings,
        queues: consumed,
        metrics,
        recorder,
      });
      worker.runtime = runtime;
      logger.info({ queues: runtime.workers.map((w) => w.name) }, "worker started");
      // `/metrics` and the container's liveness `/health`.
      if (config.metrics.workerPort !== 0) {
        metricsServer = await startMetricsServer({
          host: config.http.host,
          port: config.metrics.workerPort,
          registry: metrics.registry,
          health: () => worker.health(),
          logger,
        });
      }
      return runtime;
    },
    health: () => workersHealth(worker.runtime?.workers ?? []),
    async close() {
      await worker.scheduler?.close();
      await worker.runtime?.close();
      // The last runs' endings are written before the pool closes (bounded: a database away loses them).
      await recorder?.flush(RUN_HISTORY_FLUSH_MS);
      await metricsServer?.close();
      await queues.close();
    },
  };
  return worker;
}
