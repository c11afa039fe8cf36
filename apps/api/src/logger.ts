import type { Config } from "@learning-hub/config";
import type { FastifyBaseLogger } from "fastify";
import { pino, stdSerializers } from "pino";

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

interface SerializedError {
  message?: unknown;
  stack?: unknown;
  params?: unknown;
  cause?: SerializedError;
}

const QUERY_PARAMETERS = /\nparams: [\s\S]*?(?=\n\s+at |$)/;

/**
 * Drizzle's failed-query error carries the query's parameters (a new user's
 * password hash among them) in `params`, its message and its stack: log the
 * query text only, along the whole `cause` chain.
 */
export function serializeError(error: Error): SerializedError {
  const serialized: SerializedError = stdSerializers.err(error);
  for (let current: SerializedError | undefined = serialized, depth = 0; current && depth < 10; depth++) {
    delete current.params;
    if (typeof current.message === "string") current.message = current.message.replace(QUERY_PARAMETERS, "");
    if (typeof current.stack === "string") current.stack = current.stack.replace(QUERY_PARAMETERS, "");
    current = current.cause;
  }
  return serialized;
}

export function createLogger(config: Config, destination?: NodeJS.WritableStream): FastifyBaseLogger {
  const options = {
    level: config.logLevel,
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    serializers: { err: serializeError },
  };
  return destination ? pino(options, destination) : pino(options);
}
