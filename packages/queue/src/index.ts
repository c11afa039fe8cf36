export * from "./contracts";
export {
  addOptions,
  type JobSettings,
  type JobTable,
  jobSettings,
  type QueueSettings,
  queueSettings,
} from "./job-table";
export { JobQueues, type QueueOptions } from "./queues";
export { createClientConnection, createWorkerConnection } from "./redis";
export {
  applySchedule,
  CLEANUP_SCHEDULER_ID,
  DEFAULT_CLEANUP_PARAMS,
  type DesiredSchedule,
  desiredSchedule,
  findPausableSchedule,
  nextRunTime,
  SCHEDULE_TIME_ZONE,
  SCHEDULES,
  type ScheduleChange,
  type ScheduleDefinition,
  type ScheduleRepeat,
  type StoredSchedule,
  scheduleQueue,
  schedulerChangedChannel,
  scheduleSeeds,
} from "./schedules";
