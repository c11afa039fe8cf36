import type { Config } from "@learning-hub/config";
import type { FastifyBaseLogger } from "fastify";
import { pino } from "pino";

/** Paths whose values never reach a log line. */
export const REDACTED_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  "password",
  "*.password",
  "passwordHash",
  "*.passwordHash",
  "password_hash",
  "*.password_hash",
  "access_token",
  "refresh_token",
  "*.access_token",
  "*.refresh_token",
];

export function createLogger(config: Config, destination?: NodeJS.WritableStream): FastifyBaseLogger {
  const options = { level: config.logLevel, redact: { paths: REDACTED_PATHS, censor: "[redacted]" } };
  return destination ? pino(options, destination) : pino(options);
}
