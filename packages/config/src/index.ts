export { type Config, ConfigError, DEV_JWT_SECRET, loadConfig } from "./config";
export { CRON_TIME_ZONE, type CronScheduleCheck, checkCronSchedule, nextCronRuns } from "./cron-schedule";
export { type Env, EnvSchema } from "./schema";
export * from "./services";
export { parseTrustProxy, type TrustProxy } from "./trust-proxy";
