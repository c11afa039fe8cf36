import type { Config } from "@learning-hub/config";
import type { DatabaseHandle } from "@learning-hub/db";
import { TimeoutError, withTimeout } from "@learning-hub/lifecycle";
import type { ObjectStorage } from "@learning-hub/storage";
import type { Redis } from "ioredis";
import { databaseUnavailable, notReady } from "../errors/app-error";
import type { DatabaseHealth, Liveness, Readiness } from "../schemas/health";

/** What one readiness check found: the dependency answered, failed, or did not answer in time. */
export type CheckResult = "ok" | "error" | "timeout";

export interface ReadinessChecks {
  database: CheckResult;
  redis: CheckResult;
  storage: CheckResult;
}

/** Per check, in ms: a readiness probe must answer quickly even while a dependency hangs. */
export const READINESS_TIMEOUTS_MS: Record<keyof ReadinessChecks, number> = {
  database: 2_000,
  redis: 1_000,
  storage: 2_000,
};

const READY = { database: "ok", redis: "ok", storage: "ok" } as const;

export class HealthService {
  constructor(
    private readonly config: Config,
    private readonly database: DatabaseHandle,
    private readonly redis: Pick<Redis, "ping">,
    private readonly storage: Pick<ObjectStorage, "ping">,
  ) {}

  liveness(): Liveness {
    return { status: "healthy", version: this.config.version, environment: this.config.env };
  }

  /** Throws 503 DATABASE_ERROR when PostgreSQL does not answer `select 1` within the readiness timeout. */
  async checkDatabase(): Promise<DatabaseHealth> {
    try {
      // A frozen server accepts the query and never answers: only a deadline on our side bounds it.
      await withTimeout(this.#selectOne(), READINESS_TIMEOUTS_MS.database, "database");
    } catch (error) {
      throw databaseUnavailable(error);
    }
    return { status: "healthy", database: "connected" };
  }

  async #selectOne(): Promise<void> {
    await this.database.sql`select 1`;
  }

  /**
   * Checks PostgreSQL, Redis and storage at once, each bounded by its timeout.
   * Throws 503 with `details.checks` when any fails: `DATABASE_ERROR` when the
   * database is among them, else `INTERNAL_ERROR` (the contract has no code
   * for Redis or storage being down).
   */
  async readiness(): Promise<Readiness> {
    const failures: unknown[] = [];
    const check = async (name: keyof ReadinessChecks, probe: () => Promise<unknown>): Promise<CheckResult> => {
      try {
        await withTimeout(probe(), READINESS_TIMEOUTS_MS[name], name);
        return "ok";
      } catch (error) {
        failures.push(error);
        return error instanceof TimeoutError ? "timeout" : "error";
      }
    };
    const [database, redis, storage] = await Promise.all([
      check("database", () => this.#selectOne()),
      check("redis", () => this.redis.ping()),
      check("storage", () => this.storage.ping()),
    ]);
    const checks = { database, redis, storage };
    if (failures.length === 0) return { status: "ready", checks: READY };
    const cause = new AggregateError(failures, "readiness checks failed");
    const down = (["database", "redis", "storage"] as const).filter((name) => checks[name] !== "ok");
    throw notReady(checks, down, cause);
  }
}
