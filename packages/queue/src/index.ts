export * from "./contracts";
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
  type DesiredSchedule,
  findScheduledJob,
  nextRunTime,
  SCHEDULED_JOBS,
  type ScheduleChange,
  type ScheduledJobDefinition,
  schedulerChangedChannel,
  schedulerQueue,
} from "./schedulers";
export { addOptions, type JobSettings, jobSettings } from "./settings";
