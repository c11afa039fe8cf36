import type { AddressInfo } from "node:net";
import { resumableTailKey } from "@learning-hub/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app";
import { createTestApp, type TestApp } from "../support/app";
import { bearer, type RegisteredUser, registerUser } from "../support/auth";
import { fakeMp4, RESUMABLE_PATH, sha256, startTus, tusMetadata } from "../support/tus";
import { rowsOf } from "../support/uploads";

const MiB = 1024 * 1024;

async function listen(app: TestApp["app"]): Promise<string> {
  await app.listen({ port: 0, host: "127.0.0.1" });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

describe("resumable uploads (tus) through real sockets", () => {
  let t: TestApp;
  let second: TestApp["app"];
  let base: string;
  let secondBase: string;
  let user: RegisteredUser;

  beforeAll(async () => {
    t = await createTestApp();
    base = await listen(t.app);
    // A second API process on the same database and bucket (its own locker and tus server).
    second = await buildApp(t.deps);
    secondBase = await listen(second);
    user = await registerUser(t.app);
  }, 60_000);
  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  it("resumes a 120 MiB upload cut at about half through another API process; stored bytes are the sent bytes", async () => {
    const file = fakeMp4(120 * MiB);
    const chunkSize = 50 * MiB;
    let sentAtAbort = 0;
    const first = startTus(file, {
      endpoint: `${base}${RESUMABLE_PATH}`,
      token: user.accessToken,
      metadata: tusMetadata("lecture.mp4", "Long lecture", "Week 1"),
      chunkSize,
      onProgress: (sent, upload) => {
        if (sentAtAbort === 0 && sent >= file.length / 2) {
          sentAtAbort = sent;
          void upload.abort(); // destroys the socket mid-PATCH
        }
      },
    });
    first.done.catch(() => {});
    await expect.poll(() => sentAtAbort, { timeout: 60_000 }).toBeGreaterThan(0);
    const url = first.upload.url;
    expect(url).toBeTruthy();
    const uploadUrl = new URL(url ?? "", base).pathname;

    // The offset the server kept, read through the other process; progress readable meanwhile.
    let offset = 0;
    await expect
      .poll(
        async () => {
          const head = await fetch(`${secondBase}${uploadUrl}`, {
            method: "HEAD",
            headers: { ...bearer(user.accessToken), "tus-resumable": "1.0.0" },
          });
          offset = Number(head.headers.get("upload-offset"));
          return head.status;
        },
        { timeout: 20_000 },
      )
      .toBe(200);
    expect(offset).toBeGreaterThan(0);
    expect(sentAtAbort - offset).toBeLessThanOrEqual(chunkSize);
    // Bytes that reached the server are kept (full parts, the rest in the tail object): only those lost in flight go again.
    expect(sentAtAbort - offset).toBeLessThan(8 * MiB);
    const [row] = await rowsOf(t, user.id);
    expect(row?.status).toBe("processing");
    const status = await second.inject({ url: `/api/v1/upload/status/${row?.id}`, headers: bearer(user.accessToken) });
    expect(status.json()).toMatchObject({ status: "processing", progress: Math.floor((offset / file.length) * 100) });

    let resumedFrom = -1;
    const resumed = startTus(file, {
      endpoint: `${secondBase}${RESUMABLE_PATH}`,
      uploadUrl: `${secondBase}${uploadUrl}`,
      token: user.accessToken,
      metadata: tusMetadata("lecture.mp4", "Long lecture", "Week 1"),
      chunkSize,
      extra: {
        onUploadUrlAvailable: () => {},
        onChunkComplete: (_chunk, accepted) => {
          if (resumedFrom < 0) resumedFrom = accepted - _chunk;
        },
      },
    });
    const outcome = await resumed.done;
    expect(resumedFrom).toBe(offset);
    expect(outcome.materialId).toBe(row?.id);

    const material = await t.app.inject({ url: `/api/v1/materials/${row?.id}`, headers: bearer(user.accessToken) });
    expect(material.json()).toMatchObject({
      id: row?.id,
      title: "Long lecture",
      description: "Week 1",
      status: "active",
    });
    const [active] = await rowsOf(t, user.id);
    expect(active).toMatchObject({ status: "active", fileSize: file.length, fileFormat: "mp4" });
    const stored = await t.env.storage.getBuffer(active?.filePath ?? "");
    expect(stored.length).toBe(file.length);
    expect(sha256(stored)).toBe(sha256(file));
    expect(await t.env.storage.exists(resumableTailKey(uploadUrl.split("/").pop() ?? ""))).toBe(false);
  }, 180_000);
});
