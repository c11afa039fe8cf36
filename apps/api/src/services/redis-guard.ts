import { TimeoutError, withTimeout } from "@learning-hub/lifecycle";
import type { Redis } from "ioredis";
import { dependencyUnavailable } from "../errors/app-error";

/** Messages and codes of ioredis when Redis is down, hangs or dropped the connection. */
const UNAVAILABLE_MESSAGES = /Connection is closed|Command timed out|Stream isn't writeable|enableOfflineQueue/;
const UNAVAILABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENOTFOUND"]);

export function isRedisUnavailable(error: unknown): boolean {
  if (error instanceof TimeoutError) return true;
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return (
    error.name === "MaxRetriesPerRequestError" ||
    UNAVAILABLE_MESSAGES.test(error.message) ||
    (typeof code === "string" && UNAVAILABLE_CODES.has(code))
  );
}

/**
 * Bounds what admin routes ask of Redis through BullMQ, which waits for a
 * connection without end (a fresh API whose Redis never answered hung on its
 * first queue call): 503 `SERVICE_UNAVAILABLE` naming Redis at once while the
 * API's connection is not ready, and when an operation fails for want of Redis
 * or takes longer than `timeoutMs`. Other errors pass through unchanged.
 */
export class RedisGuard {
  constructor(
    private readonly redis: Pick<Redis, "status">,
    readonly timeoutMs: number,
  ) {}

  /** Throws 503 unless the connection is up. */
  assertReady(): void {
    if (this.redis.status !== "ready") throw dependencyUnavailable("redis");
  }

  async run<T>(operation: () => Promise<T>, timeoutMs = this.timeoutMs): Promise<T> {
    this.assertReady();
    try {
      return await withTimeout(operation(), timeoutMs, "redis");
    } catch (error) {
      throw isRedisUnavailable(error) ? dependencyUnavailable("redis", error) : error;
    }
  }
}

/** A few commands per admin operation, each bounded by the connection's command timeout. */
export const createRedisGuard = (redis: Pick<Redis, "status">, commandTimeoutMs: number): RedisGuard =>
  new RedisGuard(redis, 3 * commandTimeoutMs);
