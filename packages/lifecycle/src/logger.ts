import type { Config } from "@learning-hub/config";
import { type Logger, pino, stdSerializers } from "pino";

/** Paths whose values never reach a log line. */
const REDACTED_PATHS = [
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
function serializeError(error: unknown): SerializedError {
  // A non-Error thrown value still logs as one, with a message and a stack from here.
  const asError = error instanceof Error ? error : new Error(String(error));
  const serialized: SerializedError = stdSerializers.err(asError);
  for (let current: SerializedError | undefined = serialized, depth = 0; current && depth < 10; depth++) {
    delete current.params;
    if (typeof current.message === "string") current.message = current.message.replace(QUERY_PARAMETERS, "");
    if (typeof current.stack === "string") current.stack = current.stack.replace(QUERY_PARAMETERS, "");
    current = current.cause;
  }
  return serialized;
}

/**
 * The logger of the API and the worker: the same fields, the same redaction, and `err` always serialized
 * as an Error (pass the error itself, not its message).
 */
export function createLogger(config: Pick<Config, "logLevel">, destination?: NodeJS.WritableStream): Logger {
  const options = {
    level: config.logLevel,
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    serializers: { err: serializeError },
  };
  return destination ? pino(options, destination) : pino(options);
}
