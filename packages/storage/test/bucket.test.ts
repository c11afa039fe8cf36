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

describe("ensureBucket with corsOrigins", () => {
  const app = "http://app.example.test";

  async function storedPdf(corsOrigins?: readonly string[] | "*") {
    const logger = recordingLogger();
    const options = { ...storageOptions(), corsOrigins };
    const storage = createStorage(options, logger);
    await storage.ensureBucket();
    await storage.putBuffer("docs/handout.pdf", Buffer.from("%PDF-1.4\n0123456789"), "application/pdf");
    return { url: `${options.publicUrl}/docs/handout.pdf`, logger };
  }

  const preflight = (url: string, origin: string) =>
    fetch(url, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "GET", "access-control-request-headers": "range" },
    });

  it("lets a web app on a listed origin read a byte range, with the headers it needs exposed", async () => {
    const { url, logger } = await storedPdf([app]);
    expect(logger.warnings.map((warning) => warning.msg)).not.toContainEqual(expect.stringMatching(/CORS/));

    const allowed = await preflight(url, app);
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("access-control-allow-methods")).toContain("GET");
    expect(allowed.headers.get("access-control-allow-headers")).toBe("range");

    const range = await fetch(url, { headers: { origin: app, range: "bytes=0-4" } });
    expect(range.status).toBe(206);
    expect(await range.text()).toBe("%PDF-");
    expect(range.headers.get("access-control-allow-origin")).toBe(app);
    expect(range.headers.get("access-control-expose-headers")).toContain("Content-Range");
    expect(range.headers.get("access-control-max-age")).toBe("3600");

    const other = await fetch(url, { headers: { origin: "http://elsewhere.test" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("with * lets any origin read", async () => {
    const { url } = await storedPdf("*");
    const response = await fetch(url, { headers: { origin: "http://anywhere.test" } });
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("without corsOrigins leaves the bucket without CORS: browsers may not read it", async () => {
    const { url } = await storedPdf();
    expect((await preflight(url, app)).status).toBe(403);
  });
});
