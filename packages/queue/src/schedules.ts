import { type Config, CRON_TIME_ZONE } from "@learning-hub/config";
import type { Queue } from "bullmq";
import { JobContracts, type JobData, type JobName } from "./contracts";
import { addOptions, type JobSettings } from "./job-table";
import type { JobQueues } from "./queues";

/** A repeatable job the system owns; its handler is the worker's handler for `jobName`. */
export interface ScheduleDefinition<N extends JobName = JobName> {
  /** The BullMQ job scheduler id, the `scheduled_jobs` row id and the admin API's `job_id`. */
  id: string;
  /** What the admin API shows as the job's `name`; also the only job name this schedule creates. */
  displayName: string;
  jobName: N;
  data: JobData<N>;
  /** The cron (UTC) a fresh database seeds its row with; admins change it afterwards. */
  defaultCron(config: Config): string;
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

/**
 * Every repeatable job, once: the admin API (status, edit, pause, resume, run now, history) and the
 * worker's reconciler know no others. Each has a `scheduled_jobs` row holding its cron and paused flag.
 */
export const SCHEDULES: readonly ScheduleDefinition[] = [
  defineSchedule({
    id: CLEANUP_SCHEDULER_ID,
    displayName: "cleanup_stale_records",
    jobName: "cleanup_stale_records",
    data: DEFAULT_CLEANUP_PARAMS,
    defaultCron: (config) => config.cleanup.schedule,
  }),
  // Re-enqueues thumbnails stuck in `pending` and lost `prepare_media` jobs (e.g. Redis was down at upload time).
  defineSchedule({
    id: "sweep_pending_thumbnails",
    displayName: "sweep_pending_thumbnails",
    jobName: "sweep_pending_thumbnails",
    data: {},
    defaultCron: () => "*/5 * * * *",
  }),
  defineSchedule({
    id: "prune_expired_sessions",
    displayName: "prune_expired_sessions",
    jobName: "prune_expired_sessions",
    data: {},
    defaultCron: () => "17 3 * * *",
  }),
  defineSchedule({
    id: "prune_job_runs",
    displayName: "prune_job_runs",
    jobName: "prune_job_runs",
    data: {},
    defaultCron: () => "47 3 * * *",
  }),
  // Search (issue 13): indexes materials that predate search; each run goes on where the last stopped.
  defineSchedule({
    id: "text_backfill",
    displayName: "backfill_text_index",
    jobName: "backfill_text_index",
    data: {},
    defaultCron: (config) => config.search.backfillSchedule,
  }),
];

/** The schedule with this id; `undefined` for any other id. */
export const findSchedule = (id: string): ScheduleDefinition | undefined =>
  SCHEDULES.find((definition) => definition.id === id);

/** The schedule whose jobs carry this name (each schedule creates jobs of one name of its own). */
export const scheduleOfJob = (jobName: string): ScheduleDefinition | undefined =>
  SCHEDULES.find((definition) => definition.jobName === jobName);

/** What PostgreSQL stores for a schedule (a `scheduled_jobs` row). */
export interface StoredSchedule {
  id: string;
  name: string;
  /** The cron in force: seeded from the default once, then only changed on purpose (an admin's edit). */
  schedule: string;
  paused: boolean;
}

/**
 * The rows of the schedules, as a fresh database gets them. Inserted when absent and never
 * overwritten, so processes whose configs differ cannot flip a row back and forth; API and worker seed
 * through this one function.
 */
export function scheduleSeeds(config: Config): Omit<StoredSchedule, "paused">[] {
  return SCHEDULES.map((definition) => ({
    id: definition.id,
    name: definition.displayName,
    schedule: definition.defaultCron(config),
  }));
}

/** The state BullMQ should be in. */
export interface DesiredSchedule {
  /** Cron pattern (5 fields, or 6 with seconds), read in UTC. */
  pattern: string;
  paused: boolean;
}

/**
 * The desired state of one schedule from its PostgreSQL row (absent only before the first seed, or
 * deleted by hand) and config. The API and the worker's reconciler both apply this.
 */
export function desiredSchedule(
  definition: ScheduleDefinition,
  stored: Pick<StoredSchedule, "schedule" | "paused"> | undefined,
  config: Config,
): DesiredSchedule {
  if (!stored) return { pattern: definition.defaultCron(config), paused: false };
  return { pattern: stored.schedule, paused: stored.paused };
}

/** Cron patterns are read in UTC, like every time the API shows, whatever the machine's zone. */
export const SCHEDULE_TIME_ZONE = CRON_TIME_ZONE;

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
  const matches =
    current?.pattern === desired.pattern &&
    current.tz === SCHEDULE_TIME_ZONE &&
    current?.name === definition.jobName &&
    typeof current.next === "number" &&
    JSON.stringify(current.template?.data) === JSON.stringify(definition.data);
  if (matches) return "unchanged";
  await queue.upsertJobScheduler(
    definition.id,
    { pattern: desired.pattern, tz: SCHEDULE_TIME_ZONE },
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
