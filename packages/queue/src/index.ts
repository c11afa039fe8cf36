export * from "./contracts";
export { JobQueues, type QueueOptions } from "./queues";
export { createClientConnection, createWorkerConnection } from "./redis";
export { addOptions, type JobSettings, jobSettings } from "./settings";
