import { randomUUID } from "node:crypto";
import type { JobRunFinish, JobRunStart, JobRunsRepository } from "@learning-hub/db/repositories/job-runs";
import type { Job } from "bullmq";
import type { Logger } from "pino";

/** Longest error message kept with a run; stack traces stay in the logs. */
const MAX_ERROR_LENGTH = 2_000;

export interface RunRecorderOptions {
  repository: JobRunsRepository;
  logger: Logger;
  /** The schedule of the registry a job belongs to, if any. */
  scheduleOf(job: Job): string | null;
  /** What a completed job did, in its own terms, kept with its run. */
  summarize(job: Job, result: unknown): Record<string, unknown> | null;
  /** Whether a failure of this attempt ends the job (no retry left). */
  isFinalFailure(job: Job, error: unknown): boolean;
}

/**
 * Records every attempt of every job in the run history. Recording never fails
 * nor delays a job: the start is written while the job runs, the end after it
 * (the row written whole if the start was lost), and a failing write is only
 * logged. `flush` waits for the writes still in flight, at shutdown.
 */
export class RunRecorder {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: RunRecorderOptions) {}

  async record<T>(queue: string, job: Job, attempt: () => Promise<T>): Promise<T> {
    const run: JobRunStart = {
      id: randomUUID(),
      queue,
      jobName: job.name,
      jobId: job.id ?? "",
      schedulerId: this.safely(() => this.options.scheduleOf(job), null),
      materialId: materialIdOf(job.data),
      attempt: job.attemptsMade + 1,
      startedAt: new Date(),
    };
    const started = performance.now();
    const start = this.options.repository.start(run).catch((error: unknown) => this.warn(run, error));
    const finish = (result: Pick<JobRunFinish, "outcome" | "error" | "summary">) =>
      this.track(
        start
          .then(() =>
            this.options.repository.finish(run, {
              ...result,
              finishedAt: new Date(),
              durationMs: Math.round(performance.now() - started),
            }),
          )
          .then(
            () => undefined,
            (error: unknown) => this.warn(run, error),
          ),
      );
    try {
      const result = await attempt();
      finish({
        outcome: "completed",
        error: null,
        summary: this.safely(() => this.options.summarize(job, result), null),
      });
      return result;
    } catch (error) {
      const final = this.safely(() => this.options.isFinalFailure(job, error), true);
      finish({ outcome: final ? "failed" : "retrying", error: errorMessage(error), summary: null });
      throw error;
    }
  }

  /** Waits for the writes in flight, at most `timeoutMs`; what is still unwritten then is lost. */
  async flush(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([Promise.allSettled([...this.inFlight]), timeout]);
    clearTimeout(timer);
  }

  private track(write: Promise<void>): void {
    this.inFlight.add(write);
    void write.finally(() => this.inFlight.delete(write));
  }

  private safely<T>(compute: () => T, fallback: T): T {
    try {
      return compute();
    } catch (error) {
      this.options.logger.warn({ err: (error as Error).message }, "run history: could not describe the job");
      return fallback;
    }
  }

  private warn(run: JobRunStart, error: unknown): void {
    this.options.logger.warn(
      { queue: run.queue, job: run.jobName, jobId: run.jobId, err: (error as Error).message },
      "run history: could not record the run",
    );
  }
}

function materialIdOf(data: unknown): number | null {
  const value = (data as { materialId?: unknown } | null)?.materialId;
  return typeof value === "number" && Number.isInteger(value) ? value : null;
}

function errorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > MAX_ERROR_LENGTH ? `${message.slice(0, MAX_ERROR_LENGTH - 1)}…` : message;
}
