import type { Config } from "@learning-hub/config";
import type { Queue } from "bullmq";
import { JobContracts, type JobData, type JobName } from "./contracts";
import { addOptions, type JobSettings } from "./job-table";
import type { JobQueues } from "./queues";

/** A cron pattern (5 fields, or 6 with seconds, read in UTC) or a fixed interval in milliseconds. */
export type ScheduleRepeat = { pattern: string } | { every: number };

/** A repeatable job the system owns; its handler is the worker's handler for `jobName`. */
export interface ScheduleDefinition<N extends JobName = JobName> {
  /** The BullMQ job scheduler id, the `scheduled_jobs` row id and the admin API's `job_id`. */
  id: string;
  /** What the admin API shows as the job's `name`. */
  displayName: string;
  jobName: N;
  data: JobData<N>;
  /** When it runs while PostgreSQL holds no cron of its own for it (config decides the default). */
  defaultRepeat(config: Config): ScheduleRepeat;
  /** Admins see it in the scheduler status and may pause it; its state then lives in a `scheduled_jobs` row. */
  pausable: boolean;
}

/** Keeps the payload typed by the job name in a list of mixed definitions. */
const defineSchedule = <N extends JobName>(definition: ScheduleDefinition<N>): ScheduleDefinition =>
  definition as unknown as ScheduleDefinition;

export const CLEANUP_SCHEDULER_ID = "cleanup_job";
const DEFAULT_CLEANUP_PARAMS: JobData<"cleanup_stale_records"> = {
  cleanupProcessing: true,
  cleanupOrphans: true,
  maxAgeMinutes: 30,
};

/** Every repeatable job, once: the API's pause/resume/status and the worker's reconciler know no others. */
export const SCHEDULES: readonly ScheduleDefinition[] = [
  defineSchedule({
    id: CLEANUP_SCHEDULER_ID,
    displayName: "cleanup_stale_records",
    jobName: "cleanup_stale_records",
    data: DEFAULT_CLEANUP_PARAMS,
    defaultRepeat: (config) => ({ pattern: config.cleanup.schedule }),
    pausable: true,
  }),
  // Re-enqueues thumbnails stuck in `pending` (e.g. Redis was down at upload time).
  defineSchedule({
    id: "sweep_pending_thumbnails",
    displayName: "sweep_pending_thumbnails",
    jobName: "sweep_pending_thumbnails",
    data: {},
    defaultRepeat: () => ({ every: 5 * 60_000 }),
    pausable: false,
  }),
  // Search (issue 13): indexes materials that predate search; each run goes on where the last stopped.
  defineSchedule({
    id: "text_backfill",
    displayName: "backfill_text_index",
    jobName: "backfill_text_index",
    data: {},
    defaultRepeat: (config) => ({ pattern: config.search.backfillSchedule }),
    pausable: false,
  }),
];

/** The schedules admins may pause, by id; `undefined` for any other id. */
export const findPausableSchedule = (id: string): ScheduleDefinition | undefined =>
  SCHEDULES.find((definition) => definition.pausable && definition.id === id);

/** What PostgreSQL stores for a pausable schedule (a `scheduled_jobs` row). */
export interface StoredSchedule {
  id: string;
  name: string;
  /** The cron in force: seeded from the default once, then only changed on purpose (an admin's edit). */
  schedule: string;
  paused: boolean;
}

/**
 * The rows of the pausable schedules, as a fresh database gets them. Inserted when absent and never
 * overwritten, so processes whose configs differ cannot flip a row back and forth; API and worker seed
 * through this one function.
 */
export function scheduleSeeds(config: Config): Omit<StoredSchedule, "paused">[] {
  return SCHEDULES.filter((definition) => definition.pausable).map((definition) => {
    const repeat = definition.defaultRepeat(config);
    if (!("pattern" in repeat)) throw new Error(`pausable schedule ${definition.id} needs a cron default`);
    return { id: definition.id, name: definition.displayName, schedule: repeat.pattern };
  });
}

/** The state BullMQ should be in. */
export interface DesiredSchedule {
  repeat: ScheduleRepeat;
  paused: boolean;
}

/**
 * The desired state of one schedule from its PostgreSQL row (absent for schedules admins cannot pause,
 * or before the first seed) and config. The API and the worker's reconciler both apply this.
 */
export function desiredSchedule(
  definition: ScheduleDefinition,
  stored: Pick<StoredSchedule, "schedule" | "paused"> | undefined,
  config: Config,
): DesiredSchedule {
  if (!definition.pausable || !stored) return { repeat: definition.defaultRepeat(config), paused: false };
  return { repeat: { pattern: stored.schedule }, paused: stored.paused };
}

/** Cron patterns are read in UTC, like every time the API shows, whatever the machine's zone. */
export const SCHEDULE_TIME_ZONE = "UTC";

export type ScheduleChange = "created" | "updated" | "unchanged" | "removed" | "absent";

/** Pub/sub channel on which a change of the desired state is announced to the workers. */
export const schedulerChangedChannel = (prefix: string): string => `${prefix}:scheduler:changed`;

export function scheduleQueue(queues: JobQueues, definition: ScheduleDefinition): Queue {
  return queues[JobContracts[definition.jobName].queue];
}

/**
 * Makes BullMQ match the desired state: paused removes the scheduler (and its
 * next delayed job), otherwise it is upserted. Idempotent and safe to run from
 * several processes at once: both operations are single Lua scripts keyed by
 * the scheduler id, and the upsert is skipped when BullMQ already matches, so
 * a periodic reconcile does not reschedule anything.
 */
export async function applySchedule(
  queue: Queue,
  definition: ScheduleDefinition,
  desired: DesiredSchedule,
  settings: JobSettings,
): Promise<ScheduleChange> {
  const current = await queue.getJobScheduler(definition.id);
  if (desired.paused) {
    if (!current) return "absent";
    await queue.removeJobScheduler(definition.id);
    return "removed";
  }
  const { repeat } = desired;
  const repeatMatches =
    "pattern" in repeat
      ? current?.pattern === repeat.pattern && current.tz === SCHEDULE_TIME_ZONE
      : current?.pattern == null && Number(current?.every) === repeat.every;
  const matches =
    repeatMatches &&
    current?.name === definition.jobName &&
    typeof current.next === "number" &&
    JSON.stringify(current.template?.data) === JSON.stringify(definition.data);
  if (matches) return "unchanged";
  await queue.upsertJobScheduler(
    definition.id,
    "pattern" in repeat ? { pattern: repeat.pattern, tz: SCHEDULE_TIME_ZONE } : { every: repeat.every },
    { name: definition.jobName, data: definition.data, opts: addOptions(settings) },
  );
  return current ? "updated" : "created";
}

/** When the scheduler will next create its job; `null` when it is not scheduled in BullMQ. */
export async function nextRunTime(queue: Queue, definition: ScheduleDefinition): Promise<Date | null> {
  const next = (await queue.getJobScheduler(definition.id))?.next;
  // BullMQ types `next` as a number but answers null for a scheduler without a next run.
  return typeof next === "number" ? new Date(next) : null;
}
