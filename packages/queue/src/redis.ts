import { Redis, type RedisOptions } from "ioredis";

/**
 * A connection for BullMQ workers and blocking commands: retries forever, as
 * BullMQ requires (`maxRetriesPerRequest: null`).
 */
export function createWorkerConnection(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, ...options });
}

/**
 * A connection for request paths (producers, caches): fails fast while Redis is
 * down instead of queueing commands, so callers can degrade gracefully. Callers
 * also pass `commandTimeout` (`REDIS_COMMAND_TIMEOUT_MS`) so that a Redis that
 * accepts commands but never answers fails them too.
 */
export function createClientConnection(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    // The ready check's INFO would be rejected (offline queue disabled) and
    // surface as an unhandled rejection when a connection drops mid-handshake.
    enableReadyCheck: false,
    connectTimeout: 2000,
    ...options,
  });
}
