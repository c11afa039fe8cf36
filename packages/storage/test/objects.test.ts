import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { type ObjectStorage, StorageError } from "../src/index";
import { bucketUrl, createTestStorage, publicUrl, storageOptions } from "./support";

let storage: ObjectStorage;
beforeAll(async () => {
  storage = await createTestStorage();
});

async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe("buffers and metadata", () => {
  const data = randomBytes(1000);
  beforeAll(() => storage.putBuffer("docs/page.pdf", data, "application/pdf"));

  it("reads back what putBuffer wrote, with its metadata", async () => {
    expect(await storage.getBuffer("docs/page.pdf")).toEqual(data);
    const stat = await storage.stat("docs/page.pdf");
    expect(stat).toMatchObject({ size: 1000, contentType: "application/pdf" });
    expect(stat?.lastModified).toBeInstanceOf(Date);
    expect(await storage.exists("docs/page.pdf")).toBe(true);
  });

  it("stores a buffer larger than minio's 64 MiB single-request limit", async () => {
    const large = Buffer.alloc(65 * 1024 * 1024, 3);
    large.write("tail", large.length - 4);
    await storage.putBuffer("docs/large.bin", large, "application/octet-stream");
    expect(await storage.stat("docs/large.bin")).toMatchObject({ size: large.length });
    expect((await storage.getBuffer("docs/large.bin")).equals(large)).toBe(true);
  });

  it("reports a missing object as null / false / NotFound", async () => {
    expect(await storage.stat("docs/missing.pdf")).toBeNull();
    expect(await storage.exists("docs/missing.pdf")).toBe(false);
    const error = await storage.getStream("docs/missing.pdf").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect(error).toMatchObject({ code: "NotFound", isNotFound: true });
  });

  it("streams an object back", async () => {
    expect(await readAll(await storage.getStream("docs/page.pdf"))).toEqual(data);
  });
});

describe("listing and removing", () => {
  it("lists recursively under a prefix with sizes and modification times", async () => {
    const before = Date.now() - 5_000;
    await storage.putBuffer("list/a.txt", Buffer.from("a"), "text/plain");
    await storage.putBuffer("list/nested/b.txt", Buffer.from("bb"), "text/plain");
    await storage.putBuffer("listing-not-included.txt", Buffer.from("c"), "text/plain");

    const listed = [];
    for await (const item of storage.list("list/")) listed.push(item);

    expect(listed.map(({ key, size }) => ({ key, size })).sort((x, y) => x.key.localeCompare(y.key))).toEqual([
      { key: "list/a.txt", size: 1 },
      { key: "list/nested/b.txt", size: 2 },
    ]);
    for (const item of listed) {
      expect(item.lastModified).toBeInstanceOf(Date);
      expect(item.lastModified.getTime()).toBeGreaterThan(before);
    }
  });

  it("lists nothing under an unused prefix", async () => {
    const listed = [];
    for await (const item of storage.list("nothing-here/")) listed.push(item);
    expect(listed).toEqual([]);
  });

  it("removes one object, and a missing one without error", async () => {
    await storage.putBuffer("remove/one.txt", Buffer.from("1"), "text/plain");
    await storage.remove("remove/one.txt");
    expect(await storage.exists("remove/one.txt")).toBe(false);
    await expect(storage.remove("remove/one.txt")).resolves.toBeUndefined();
  });

  it("removes many objects at once, counting missing keys as removed", async () => {
    await storage.putBuffer("remove/many-1.txt", Buffer.from("1"), "text/plain");
    await storage.putBuffer("remove/many-2.txt", Buffer.from("2"), "text/plain");
    await storage.putBuffer("remove/keep.txt", Buffer.from("k"), "text/plain");

    const result = await storage.removeMany(["remove/many-1.txt", "remove/many-2.txt", "remove/never-existed.txt"]);

    expect(result).toEqual({ removed: 3, errors: [] });
    expect(await storage.exists("remove/many-1.txt")).toBe(false);
    expect(await storage.exists("remove/many-2.txt")).toBe(false);
    expect(await storage.exists("remove/keep.txt")).toBe(true);
    expect(await storage.removeMany([])).toEqual({ removed: 0, errors: [] });
  });
});

describe("URLs", () => {
  const key = "courses/Grundlagen der Mathe/übung #1?.pdf";
  const body = Buffer.from("%PDF-1.4 test");
  beforeAll(() => storage.putBuffer(key, body, "application/pdf"));

  it("serves an object at the bucket's public URL, each path segment encoded, without credentials", async () => {
    const url = publicUrl(bucketUrl(storage), key);
    expect(url).toBe(
      `${storageOptions().endpoint}/${storage.bucket}/courses/Grundlagen%20der%20Mathe/%C3%BCbung%20%231%3F.pdf`,
    );
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(body);
  });

  it("signs a GET URL that a plain HTTP client can fetch", async () => {
    const url = await storage.presignedGetUrl(key, 600);
    expect(url).toContain("X-Amz-Signature=");
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(body);
  });

  it("keeps the public URL's base path and drops a trailing slash", () => {
    expect(publicUrl("https://cdn.example.com/media/", "a/b c.png")).toBe("https://cdn.example.com/media/a/b%20c.png");
  });
});
