import { describe, expect, it } from "vitest";
import { WorkerProcess } from "../support/worker-process";

describe("worker start-up configuration check", () => {
  it("refuses to start with a CLEANUP_SCHEDULE that is not a cron pattern, naming the variable", async () => {
    const worker = new WorkerProcess({
      NODE_ENV: "test",
      // Reachable-looking services: the refusal must come from the schedule, before anything connects.
      DATABASE_URL: "postgres://postgres@127.0.0.1:5432/unused",
      REDIS_URL: "redis://127.0.0.1:6379",
      S3_ENDPOINT: "http://127.0.0.1:9000",
      WORKER_METRICS_PORT: "0",
      CLEANUP_SCHEDULE: "every hour",
    });
    const code = await worker.exited;
    expect(code).not.toBe(0);
    expect(worker.errorOutput).toMatch(/CLEANUP_SCHEDULE: not a cron pattern/);
    expect(worker.logs).toEqual([]);
  });
});
