import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestApp, type TestApp } from "../../../apps/api/test/support/app";
import { fixture } from "../../../apps/api/test/support/multipart";
import { type InProcessWorker, startWorker } from "../../../apps/api/test/support/worker";
import { createLearningHubClient, type LearningHubClient, uploadFormData } from "../src";

/** The value, or a failure naming what was missing (narrows without a cast). */
function present<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is missing`);
  return value;
}

describe("the generated client against a real app", () => {
  let t: TestApp;
  let worker: InProcessWorker;
  let client: LearningHubClient;
  let accessToken: string | undefined;

  beforeAll(async () => {
    t = await createTestApp();
    worker = await startWorker(t, { queues: ["thumbnails"], reconcile: false });
    const baseUrl = await t.app.listen({ host: "127.0.0.1", port: 0 });
    client = createLearningHubClient({ baseUrl, accessToken: () => accessToken });
  });
  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  it("registers, logs in, uploads, follows the thumbnail, lists, likes, reads, deletes and logs out", async () => {
    const email = `client-${randomUUID()}@example.com`;
    const password = "a rather long passphrase for the flow";

    const registered = await client.POST("/api/v1/auth/register", {
      body: { email, name: "Client Flow", password },
    });
    expect(registered.response.status).toBe(201);
    expect(present(registered.data, "profile").email).toBe(email);

    const login = await client.POST("/api/v1/auth/login", { body: { email, password } });
    const tokens = present(login.data, "login answer");
    expect(tokens.token_type).toBe("bearer");
    accessToken = tokens.access_token;

    const video = new File([fixture("sample-720p.mp4")], "lecture.mp4", { type: "video/mp4" });
    const uploaded = await client.POST("/api/v1/upload", {
      body: { file: video, title: "Client flow lecture", description: "Uploaded by the typed client" },
      bodySerializer: uploadFormData,
    });
    expect(uploaded.response.status).toBe(201);
    const material = present(uploaded.data, "uploaded material");
    expect(material).toMatchObject({ title: "Client flow lecture", type: "video", file_format: "mp4" });
    expect(uploaded.response.headers.get("location")).toBe(`/api/v1/materials/${material.id}`);
    const path = { material_id: material.id };

    const status = await client.GET("/api/v1/upload/status/{material_id}", { params: { path } });
    expect(present(status.data, "upload status")).toMatchObject({ material_id: material.id, status: "active" });

    const thumbnail = await vi.waitFor(
      async () => {
        const answer = await client.GET("/api/v1/upload/thumbnail-status/{material_id}", { params: { path } });
        const state = present(answer.data, "thumbnail status");
        expect(state.thumbnail_status).toBe("completed");
        return state;
      },
      { timeout: 30_000, interval: 250 },
    );
    expect(thumbnail.has_thumbnail).toBe(true);
    expect(thumbnail.thumbnail_path).toMatch(/\.jpg$/);

    const list = await client.GET("/api/v1/materials");
    const page = present(list.data, "list");
    expect(page).toMatchObject({ page: 1, page_size: 20 });
    expect(page.items.map((item) => item.id)).toContain(material.id);

    const like = await client.POST("/api/v1/materials/{material_id}/like", { params: { path } });
    expect(present(like.data, "like")).toEqual({ is_liked: true, like_count: 1 });

    const detail = await client.GET("/api/v1/materials/{material_id}", { params: { path } });
    expect(present(detail.data, "detail")).toMatchObject({
      id: material.id,
      is_liked: true,
      like_count: 1,
      thumbnail_path: thumbnail.thumbnail_path,
    });

    const deleted = await client.DELETE("/api/v1/materials/{material_id}", { params: { path } });
    expect(deleted.response.status).toBe(204);
    const listAfter = await client.GET("/api/v1/materials");
    expect(present(listAfter.data, "list").items.map((item) => item.id)).not.toContain(material.id);
    const again = await client.DELETE("/api/v1/materials/{material_id}", { params: { path } });
    expect(again.response.status).toBe(400);
    expect(present(again.error, "400 envelope").error.code).toBe("ALREADY_DELETED");

    const logout = await client.POST("/api/v1/auth/logout");
    expect(present(logout.data, "logout").message).toBeTruthy();
    const afterLogout = await client.GET("/api/v1/auth/me");
    expect(afterLogout.response.status).toBe(401);
    expect(present(afterLogout.error, "401 envelope").error.code).toBe("INVALID_TOKEN");
  });
});
