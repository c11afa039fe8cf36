import type { Config } from "@learning-hub/config";
import { type Logger, pino } from "pino";

export function createLogger(config: Config): Logger {
  return pino({ level: config.logLevel, base: { service: "worker" } });
}
