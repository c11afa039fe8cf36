import { loadConfig } from "@learning-hub/config";
import { describe, expect, it } from "vitest";
import { JobContracts, type JobSettings, type JobTable, jobSettings, Priority } from "../src";

const config = loadConfig({
  NODE_ENV: "test",
  DATABASE_URL: "postgres://postgres@127.0.0.1:5432/unused",
  REDIS_URL: "redis://127.0.0.1:6379",
  S3_ENDPOINT: "http://127.0.0.1:9",
});
const settings: JobSettings = {
  attempts: 1,
  backoff: { type: "fixed", delay: 0 },
  timeoutMs: 1000,
  priority: Priority.none,
  removeOnComplete: { count: 1 },
  removeOnFail: { count: 1 },
};

describe("the job table", () => {
  it("has settings for exactly the job names of the contracts", () => {
    expect(Object.keys(jobSettings(config)).sort()).toEqual(Object.keys(JobContracts).sort());
  });

  it("does not compile when a job name lacks its settings", () => {
    // @ts-expect-error: `sweep_pending_thumbnails` has no settings.
    const incomplete: JobTable = { generate_thumbnail: settings, cleanup: settings, cleanup_stale_records: settings };
    expect(Object.keys(incomplete)).not.toContain("sweep_pending_thumbnails");
  });

  it("does not compile when a job's settings lack a field", () => {
    const { removeOnFail: _dropped, ...withoutRetention } = settings;
    // @ts-expect-error: `removeOnFail` is missing.
    const incomplete: JobSettings = withoutRetention;
    expect(incomplete).not.toHaveProperty("removeOnFail");
  });
});
