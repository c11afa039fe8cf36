import { DetailedError } from "tus-js-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../apps/api/test/support/app";
import { bearer, type RegisteredUser, registerUser } from "../../../apps/api/test/support/auth";
import { fakeMp4 } from "../../../apps/api/test/support/tus";
import { rowsOf } from "../../../apps/api/test/support/uploads";
import { createResumableUpload, type ResumableUploadOptions } from "../src/resumable";

const MiB = 1024 * 1024;

/** Runs an upload made by the helper to its end: the material id on success, the client's error otherwise. */
function run(file: Buffer, options: ResumableUploadOptions) {
  return new Promise<number>((resolve, reject) => {
    createResumableUpload(file, { retryDelays: null, ...options, onSuccess: resolve, onError: reject }).start();
  });
}

describe("createResumableUpload (tus-js-client with the Bearer token) against a real app", () => {
  let t: TestApp;
  let baseUrl: string;
  let user: RegisteredUser;

  beforeAll(async () => {
    t = await createTestApp();
    baseUrl = await t.app.listen({ host: "127.0.0.1", port: 0 });
    user = await registerUser(t.app);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it("uploads a file in chunks as a new material and reports its id; the stored bytes are the file", async () => {
    const file = fakeMp4(12 * MiB + 17);
    const materialId = await run(file, {
      baseUrl: `${baseUrl}/`, // a trailing slash is no double one
      accessToken: () => user.accessToken,
      metadata: { filename: "lecture.mp4", title: "Helper lecture", description: "Sent in 5 MiB chunks" },
      chunkSize: 5 * MiB,
    });
    const [row] = await rowsOf(t, user.id);
    expect(row).toMatchObject({
      id: materialId,
      status: "active",
      title: "Helper lecture",
      description: "Sent in 5 MiB chunks",
      fileSize: file.length,
    });
    expect((await t.env.storage.getBuffer(row?.filePath ?? "")).equals(file)).toBe(true);
  });

  it("reads the token before every request: after a logout mid-upload the next PATCH carries the new session's token", async () => {
    const uploader = await registerUser(t.app);
    let token = uploader.accessToken;
    let rotated = false;
    const file = fakeMp4(11 * MiB);
    const materialId = await run(file, {
      baseUrl,
      accessToken: () => token,
      metadata: { filename: "talk.mp4", title: "Token refresh" },
      chunkSize: 6 * MiB,
      // tus-js-client waits for this before its next request: the first PATCH's token is revoked, a new one set.
      onAfterResponse: async (request) => {
        if (rotated || request.getMethod() !== "PATCH") return;
        rotated = true;
        const logout = await t.app.inject({ method: "POST", url: "/api/v1/auth/logout", headers: bearer(token) });
        expect(logout.statusCode).toBe(200);
        const login = await t.app.inject({
          method: "POST",
          url: "/api/v1/auth/login",
          payload: { email: uploader.email, password: uploader.password },
        });
        token = login.json().access_token;
      },
    });
    expect(rotated).toBe(true);
    const [row] = await rowsOf(t, uploader.id);
    expect(row).toMatchObject({ id: materialId, status: "active", fileSize: file.length });
  });

  it("without a token the creation is refused: the client's error carries the 401 envelope", async () => {
    const error = await run(fakeMp4(MiB), {
      baseUrl,
      accessToken: () => undefined,
      metadata: { filename: "anon.mp4", title: "Anonymous" },
    }).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(DetailedError);
    const response = (error as DetailedError).originalResponse;
    expect(response?.getStatus()).toBe(401);
    expect(JSON.parse(response?.getBody() ?? "{}").error.code).toBe("UNAUTHORIZED");
  });
});
