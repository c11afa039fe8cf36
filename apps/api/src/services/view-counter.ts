import type { MaterialsRepository } from "@learning-hub/db/repositories/materials";
import type { FastifyBaseLogger } from "fastify";
import type { Redis } from "ioredis";

/** Who is looking: a signed-in user, else the client's address. */
export type Viewer = { userId: number } | { ip: string };

export interface ViewCounterOptions {
  /** Key prefix of everything this service keeps in Redis (`config.redis.prefix`). */
  prefix: string;
  /** A viewer counts once per material within this window. */
  dedupeSeconds: number;
  /** How often buffered views are written to PostgreSQL; 0 never flushes on a timer. */
  flushIntervalMs: number;
  /** How long the request path waits for Redis before giving up on counting the view. */
  redisTimeoutMs: number;
}

export const DEFAULT_VIEW_COUNTER: Omit<ViewCounterOptions, "prefix"> = {
  dedupeSeconds: 600,
  flushIntervalMs: 5000,
  redisTimeoutMs: 250,
};

/**
 * Marks the viewer as seen (SET NX EX) and, only when that set the key, adds
 * the view to the pending hash: one atomic step, so a view is never
 * de-duplicated without being buffered. Returns 1 when the view counted.
 */
const RECORD_VIEW = `
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[2]) then
  redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
  return 1
end
return 0`;

/** Takes the whole pending hash and empties it atomically, so concurrent flushers never apply a view twice. */
const TAKE_PENDING = `
local pending = redis.call('HGETALL', KEYS[1])
redis.call('DEL', KEYS[1])
return pending`;

/**
 * Counts material views without touching PostgreSQL on the request path.
 * De-duplication and the buffer live in Redis, so they hold across API
 * processes; each process flushes the shared buffer on an interval and on
 * `close()`. `view_count` in PostgreSQL therefore lags by up to one interval.
 */
export class ViewCounter {
  private readonly pendingKey: string;
  private readonly timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly materials: MaterialsRepository,
    private readonly logger: FastifyBaseLogger,
    private readonly options: ViewCounterOptions,
  ) {
    this.pendingKey = `${options.prefix}:views:pending`;
    if (options.flushIntervalMs > 0) {
      this.timer = setInterval(() => void this.flush().catch(() => {}), options.flushIntervalMs);
      this.timer.unref();
    }
  }

  /**
   * Counts the view unless this viewer was seen on this material within the
   * window. Never throws: when Redis is down or slow the view is skipped with
   * a warning and the page is served anyway. Resolves to whether it counted.
   */
  async record(materialId: number, viewer: Viewer): Promise<boolean> {
    const who = "userId" in viewer ? `u:${viewer.userId}` : `ip:${viewer.ip}`;
    const seenKey = `${this.options.prefix}:views:seen:${materialId}:${who}`;
    let timeout: NodeJS.Timeout | undefined;
    try {
      const counted = await Promise.race([
        this.redis.eval(RECORD_VIEW, 2, seenKey, this.pendingKey, materialId, this.options.dedupeSeconds),
        new Promise<never>((_, reject) => {
          timeout = setTimeout(() => reject(new Error("redis did not answer in time")), this.options.redisTimeoutMs);
        }),
      ]);
      return counted === 1;
    } catch (error) {
      this.logger.warn({ err: error, materialId }, "view not counted: redis unavailable");
      return false;
    } finally {
      clearTimeout(timeout);
    }
  }

  /**
   * Moves the buffered views to PostgreSQL. If the write fails the views go
   * back into the buffer for the next flush. Calls made while a flush runs
   * wait for it and then flush again, so a caller always sees its views applied.
   */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing.catch(() => {});
    this.flushing = this.flushOnce();
    try {
      await this.flushing;
    } finally {
      this.flushing = undefined;
    }
  }

  /** Stops the timer and writes what is buffered (call on shutdown). */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    try {
      await this.flush();
    } catch (error) {
      this.logger.warn({ err: error }, "buffered views not flushed on shutdown; they stay in redis");
    }
  }

  private async flushOnce(): Promise<void> {
    let increments: Map<number, number>;
    try {
      increments = parsePending((await this.redis.eval(TAKE_PENDING, 1, this.pendingKey)) as string[]);
    } catch (error) {
      this.logger.warn({ err: error }, "view flush skipped: redis unavailable");
      throw error;
    }
    try {
      await this.materials.addViews(increments);
    } catch (error) {
      await this.restore(increments);
      this.logger.warn({ err: error, materials: increments.size }, "view flush failed; views kept for the next one");
      throw error;
    }
  }

  private async restore(increments: ReadonlyMap<number, number>): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (const [id, amount] of increments) pipeline.hincrby(this.pendingKey, String(id), amount);
    try {
      await pipeline.exec();
    } catch (error) {
      this.logger.error({ err: error, increments: Object.fromEntries(increments) }, "buffered views lost");
    }
  }
}

/** `HGETALL` as a flat `[field, value, ...]` list into material id -> views. */
export function parsePending(flat: readonly string[]): Map<number, number> {
  const increments = new Map<number, number>();
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const id = Number(flat[i]);
    const amount = Number(flat[i + 1]);
    if (Number.isInteger(id) && Number.isInteger(amount) && amount > 0) increments.set(id, amount);
  }
  return increments;
}
