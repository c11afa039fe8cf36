import type { Queue } from "bullmq";
import {
  CLEANUP_JOB_NAME,
  CLEANUP_SCHEDULER_ID,
  DEFAULT_CLEANUP_PARAMS,
  JobContracts,
  type JobData,
  type JobName,
} from "./contracts";
import type { JobQueues } from "./queues";
import { addOptions, type JobSettings } from "./settings";

/** A BullMQ job scheduler the system owns: its id, the job it creates and that job's payload. */
export interface ScheduledJobDefinition<N extends JobName = JobName> {
  id: string;
  name: N;
  data: JobData<N>;
}

const cleanupSchedule: ScheduledJobDefinition<typeof CLEANUP_JOB_NAME> = {
  id: CLEANUP_SCHEDULER_ID,
  name: CLEANUP_JOB_NAME,
  data: DEFAULT_CLEANUP_PARAMS,
};

/** Every scheduler, by id; pause/resume and the reconcilers know no others. */
export const SCHEDULED_JOBS: readonly ScheduledJobDefinition[] = [cleanupSchedule];

export const findScheduledJob = (id: string): ScheduledJobDefinition | undefined =>
  SCHEDULED_JOBS.find((definition) => definition.id === id);

/** The state PostgreSQL wants BullMQ to be in. */
export interface DesiredSchedule {
  /** Cron pattern (5 fields, or 6 with seconds). */
  pattern: string;
  paused: boolean;
}

/** Cron patterns are read in UTC, like every time the API shows, whatever the machine's zone. */
export const SCHEDULE_TIME_ZONE = "UTC";

export type ScheduleChange = "created" | "updated" | "unchanged" | "removed" | "absent";

/** Pub/sub channel on which a change of the desired state is announced to the workers. */
export const schedulerChangedChannel = (prefix: string): string => `${prefix}:scheduler:changed`;

export function schedulerQueue(queues: JobQueues, definition: ScheduledJobDefinition): Queue {
  return queues[JobContracts[definition.name].queue];
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
  definition: ScheduledJobDefinition,
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
    current.name === definition.name &&
    typeof current.next === "number" &&
    JSON.stringify(current.template?.data) === JSON.stringify(definition.data);
  if (matches) return "unchanged";
  await queue.upsertJobScheduler(
    definition.id,
    { pattern: desired.pattern, tz: SCHEDULE_TIME_ZONE },
    {
      name: definition.name,
      data: definition.data,
      opts: {
        ...addOptions(settings),
        // Enough history to see that it ran, without growing forever.
        removeOnComplete: { age: 86400, count: 100 },
        removeOnFail: { age: 7 * 86400 },
      },
    },
  );
  return current ? "updated" : "created";
}

/** When the scheduler will next create its job; `null` when it is not scheduled in BullMQ. */
export async function nextRunTime(queue: Queue, definition: ScheduledJobDefinition): Promise<Date | null> {
  const next = (await queue.getJobScheduler(definition.id))?.next;
  // BullMQ types `next` as a number but answers null for a scheduler without a next run.
  return typeof next === "number" ? new Date(next) : null;
}
