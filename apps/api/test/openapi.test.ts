import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./support/app";

describe("OpenAPI", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it("serves an OpenAPI 3 document naming every route", async () => {
    const res = await t.app.inject({ method: "GET", url: "/openapi.json" });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info.title).toBe("Learning Hub API");
    const documented = new Set(
      Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
      ),
    );
    expect([...documented].sort()).toEqual([...EXPECTED_ROUTES].sort());
  });

  it("documents search: its query, result shape and the list's new filters", async () => {
    const doc = (await t.app.inject({ method: "GET", url: "/openapi.json" })).json();
    const parameters = (path: string) =>
      (doc.paths[path].get.parameters as { name: string }[]).map((parameter) => parameter.name).sort();
    expect(parameters("/api/v1/search")).toEqual(["material_type", "page", "page_size", "q", "uploader_id"]);
    expect(parameters("/api/v1/materials")).toEqual(expect.arrayContaining(["q", "uploader_id"]));
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(["SearchPage", "SearchResult", "SearchMatch", "CaptionTrack"]),
    );
  });

  it("renders the docs page", async () => {
    const res = await t.app.inject({ method: "GET", url: "/docs/" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toContain("text/html");
    expect(res.body).toContain("swagger");
  });
});

/** Every route of the contract, plus the operator and admin extras. */
const EXPECTED_ROUTES = [
  "GET /health",
  "GET /ready",
  "GET /api/v1/health/db",
  "GET /api/v1/materials",
  "GET /api/v1/materials/{material_id}",
  "DELETE /api/v1/materials/{material_id}",
  "POST /api/v1/materials/{material_id}/like",
  // issue 15
  "GET /api/v1/materials/{material_id}/pages",
  "GET /api/v1/materials/{material_id}/storyboard",
  "POST /api/v1/upload",
  "GET /api/v1/upload/status/{material_id}",
  "GET /api/v1/upload/thumbnail-status/{material_id}",
  "DELETE /api/v1/upload/{material_id}",
  // resumable (tus) uploads
  "POST /api/v1/upload/resumable",
  "HEAD /api/v1/upload/resumable/{id}",
  "PATCH /api/v1/upload/resumable/{id}",
  "DELETE /api/v1/upload/resumable/{id}",
  "POST /api/v1/auth/register",
  "POST /api/v1/auth/login",
  "GET /api/v1/auth/me",
  "POST /api/v1/auth/refresh",
  "POST /api/v1/auth/logout",
  "POST /api/v1/admin/cleanup",
  "GET /api/v1/admin/scheduler/status",
  "POST /api/v1/admin/scheduler/jobs/{job_id}/pause",
  "POST /api/v1/admin/scheduler/jobs/{job_id}/resume",
  "GET /api/v1/admin/jobs/failed",
  "POST /api/v1/admin/jobs/{queue}/{job_id}/retry",
  // Admins in control of background jobs (issue 16).
  "PATCH /api/v1/admin/scheduler/jobs/{job_id}",
  "POST /api/v1/admin/scheduler/jobs/{job_id}/run",
  "GET /api/v1/admin/scheduler/jobs/{job_id}/runs",
  "GET /api/v1/admin/jobs",
  "GET /api/v1/admin/audit",
  "GET /api/v1/admin/queues",
  "PATCH /api/v1/admin/queues/{queue}",
  // Search and captions (issue 13).
  "GET /api/v1/search",
  "GET /api/v1/materials/{material_id}/captions",
  "PUT /api/v1/materials/{material_id}/captions/{lang}",
  "DELETE /api/v1/materials/{material_id}/captions/{lang}",
];
