import type { Config } from "@learning-hub/config";
import type { DatabaseHandle } from "@learning-hub/db";
import { AppError } from "../errors/app-error";

export class HealthService {
  constructor(
    private readonly config: Config,
    private readonly database: DatabaseHandle,
  ) {}

  liveness() {
    return { status: "healthy" as const, version: this.config.version, environment: this.config.env };
  }

  /** Throws 503 DATABASE_ERROR when PostgreSQL does not answer `select 1`. */
  async checkDatabase(): Promise<void> {
    try {
      await this.database.sql`select 1`;
    } catch (error) {
      throw new AppError(503, "DATABASE_ERROR", "Database is unavailable", {}, { cause: error });
    }
  }
}
