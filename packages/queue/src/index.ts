export * from "./contracts";
export {
  type JobSettings,
  type JobTable,
  jobSettings,
  queueSettings,
} from "./job-table";
export { JobQueues, type QueueOptions } from "./queues";
export { createClientConnection, createWorkerConnection } from "./redis";
export {
  applySchedule,
  CLEANUP_SCHEDULER_ID,
  type DesiredSchedule,
  desiredSchedule,
  findPausableSchedule,
  nextRunTime,
  SCHEDULES,
  type ScheduleDefinition,
  scheduleQueue,
  schedulerChangedChannel,
  scheduleSeeds,
} from "./schedules";
