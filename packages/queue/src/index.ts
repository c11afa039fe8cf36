export * from "./contracts";
export {
  type JobSettings,
  type JobTable,
  jobSettings,
  queueSettings,
} from "./job-table";
export {
  applyQueueControl,
  type DesiredQueueControl,
  type QueueControlChange,
  type QueueControlReading,
  readQueueControl,
} from "./queue-controls";
export { JobQueues, type QueueOptions } from "./queues";
export { createClientConnection, createWorkerConnection } from "./redis";
export {
  applySchedule,
  CLEANUP_SCHEDULER_ID,
  type DesiredSchedule,
  desiredSchedule,
  findSchedule,
  nextRunTime,
  SCHEDULES,
  type ScheduleDefinition,
  scheduleOfJob,
  scheduleQueue,
  schedulerChangedChannel,
  scheduleSeeds,
} from "./schedules";
