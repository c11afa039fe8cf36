import { loadConfig } from "@learning-hub/config";
import { describe, expect, it } from "vitest";
import { configuredQueues } from "../src/worker";

const base = {
  DATABASE_URL: "postgres://x@127.0.0.1/x",
  REDIS_URL: "redis://127.0.0.1",
  S3_ENDPOINT: "http://127.0.0.1:9",
};

describe("WORKER_QUEUES", () => {
  it("consumes every queue when unset, the named ones otherwise", () => {
    expect(configuredQueues(loadConfig(base).workerQueues)).toBeUndefined();
    expect(configuredQueues(loadConfig({ ...base, WORKER_QUEUES: "media" }).workerQueues)).toEqual(["media"]);
    expect(configuredQueues(loadConfig({ ...base, WORKER_QUEUES: " thumbnails, maintenance " }).workerQueues)).toEqual([
      "thumbnails",
      "maintenance",
    ]);
  });

  it("fails start-up on a queue name it does not know", () => {
    expect(() => configuredQueues(loadConfig({ ...base, WORKER_QUEUES: "media,videos" }).workerQueues)).toThrow(
      "WORKER_QUEUES names unknown queues: videos (known: thumbnails, maintenance, media)",
    );
  });
});
