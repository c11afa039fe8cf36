import { describe, expect, it } from "vitest";
import { createStorage, StorageError } from "../src/index";
import { closedPort, recordingLogger, storageOptions, uniqueBucket } from "./support";

describe("ensureBucket", () => {
  it("creates the bucket, can run twice, and only warns that s3rver lacks policies", async () => {
    const logger = recordingLogger();
    const storage = createStorage(storageOptions(), logger);
    await expect(storage.ping()).rejects.toMatchObject({ code: "NoSuchBucket" });

    await storage.ensureBucket();
    await storage.ensureBucket();

    await expect(storage.ping()).resolves.toBeUndefined();
    expect(logger.warnings).toHaveLength(2);
    expect(logger.warnings[0]?.msg).toMatch(/does not implement bucket policies/);
  });

  it("tolerates concurrent creators of the same bucket", async () => {
    const options = storageOptions(undefined, uniqueBucket());
    const creators = Array.from({ length: 4 }, () => createStorage(options));
    await Promise.all(creators.map((storage) => storage.ensureBucket()));
    await expect(creators[0]?.ping()).resolves.toBeUndefined();
  });

  it("fails with a StorageError for an invalid bucket name", async () => {
    const storage = createStorage(storageOptions(undefined, "Not_A_Bucket"));
    await expect(storage.ensureBucket()).rejects.toBeInstanceOf(StorageError);
  });
});

describe("ping", () => {
  it("rejects with a StorageError when nothing listens on the endpoint", async () => {
    const port = await closedPort();
    const storage = createStorage(storageOptions(`http://127.0.0.1:${port}`));
    const error = await storage.ping().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect(error).toMatchObject({ code: "ECONNREFUSED" });
  });
});

describe("createStorage", () => {
  it("rejects an endpoint that is not an http(s) URL", () => {
    expect(() => createStorage(storageOptions("127.0.0.1:9000"))).toThrow(StorageError);
  });
});
