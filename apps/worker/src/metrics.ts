import { createMetricsRegistry, registerQueueDepth } from "@learning-hub/metrics";
import { JobContracts, type JobQueues } from "@learning-hub/queue";
import { type Job, UnrecoverableError } from "bullmq";
import { Counter, Histogram, type Registry } from "prom-client";

/** Seconds; thumbnails of long videos and cleanups of large buckets take minutes. */
const JOB_DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

/** What the job runtime records around each attempt. */
export interface JobMetrics {
  /** Runs one attempt of `job`, recording its duration and outcome; passes its result or error through. */
  observe<T>(queue: string, job: Job, attempt: () => Promise<T>): Promise<T>;
}

/** The worker's metrics, in a registry of this process's own, served on the worker's metrics port. */
export interface WorkerMetrics extends JobMetrics {
  registry: Registry;
  /** The Prometheus text exposition of every metric. */
  render(): Promise<string>;
}

export function createWorkerMetrics(queues: JobQueues): WorkerMetrics {
  const registry = createMetricsRegistry();
  registerQueueDepth(registry, queues.all());
  const duration = new Histogram({
    name: "job_duration_seconds",
    help: "Duration of job attempts by queue, job name and outcome (completed or failed)",
    labelNames: ["queue", "name", "status"],
    buckets: JOB_DURATION_BUCKETS,
    registers: [registry],
  });
  const failures = new Counter({
    name: "job_failures_total",
    help: "Failed job attempts; final=true when the job will not be retried",
    labelNames: ["queue", "name", "final"],
    registers: [registry],
  });
  return {
    registry,
    render: () => registry.metrics(),
    async observe(queue, job, attempt) {
      // Names outside the contracts come from a faulty producer; one label value keeps them from adding series.
      const name = job.name in JobContracts ? job.name : "unknown";
      const started = performance.now();
      const seconds = () => (performance.now() - started) / 1000;
      try {
        const result = await attempt();
        duration.observe({ queue, name, status: "completed" }, seconds());
        return result;
      } catch (error) {
        duration.observe({ queue, name, status: "failed" }, seconds());
        failures.inc({ queue, name, final: String(isFinalFailure(job, error)) });
        throw error;
      }
    },
  };
}

/** BullMQ retries a failed attempt unless the error is unrecoverable or no attempt is left. */
export function isFinalFailure(job: Job, error: unknown): boolean {
  return error instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}
