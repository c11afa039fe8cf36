import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ERROR_STATUSES, type ErrorCode } from "../src/errors/app-error";
import { createTestApp, type TestApp } from "./support/app";

const run = promisify(execFile);
const redoclyCli = join(dirname(createRequire(import.meta.url).resolve("@redocly/cli/package.json")), "bin/cli.js");

interface Operation {
  operationId?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean; schema: Record<string, unknown> }[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<
    string,
    {
      description: string;
      headers?: Record<string, unknown>;
      content?: Record<string, { schema: { $ref?: string }; example?: { error: { code: string } } }>;
    }
  >;
}

describe("OpenAPI document for generated clients", () => {
  let t: TestApp;
  // biome-ignore lint/suspicious/noExplicitAny: a parsed JSON document, walked by the assertions below
  let doc: any;
  let operations: [string, Operation][];

  beforeAll(async () => {
    t = await createTestApp();
    doc = (await t.app.inject({ method: "GET", url: "/openapi.json" })).json();
    operations = Object.entries(doc.paths as Record<string, Record<string, Operation>>).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]): [string, Operation] => [`${method} ${path}`, operation]),
    );
  });
  afterAll(async () => {
    await t.close();
  });

  it("passes Redocly's recommended ruleset with no errors", async () => {
    const dir = await mkdtemp(join(tmpdir(), "openapi-lint-"));
    try {
      const file = join(dir, "openapi.json");
      await writeFile(file, JSON.stringify(doc, null, 2));
      const { stdout } = await run(
        process.execPath,
        [redoclyCli, "lint", "--extends", "recommended", "--format", "json", file],
        { env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" }, timeout: 60_000 },
      ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? "" }));
      const report = JSON.parse(stdout) as {
        totals: { errors: number; warnings: number };
        problems: { ruleId: string; severity: string; message: string }[];
      };
      expect(report.problems.filter((problem) => problem.severity === "error")).toEqual([]);
      expect(report.totals.errors).toBe(0);
      // The one warning left: the project publishes no license.
      expect(report.problems.map((problem) => problem.ruleId)).toEqual(["info-license"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("names every operation, tags it with a described tag and states its security", () => {
    const tags = new Set((doc.tags as { name: string; description: string }[]).map((tag) => tag.name));
    const ids = operations.map(([, operation]) => operation.operationId);
    expect(new Set(ids).size).toBe(operations.length);
    for (const [name, operation] of operations) {
      expect(operation.operationId, name).toMatch(/^[a-z][A-Za-z]+$/);
      expect(
        operation.tags?.every((tag) => tags.has(tag)),
        name,
      ).toBe(true);
      expect(operation.security, name).toBeDefined();
    }
    expect(doc.paths["/api/v1/auth/login"].post.security).toEqual([]);
    expect(doc.paths["/health"].get.security).toEqual([]);
  });

  it("declares the multipart form of POST /upload without Fastify validating it", async () => {
    const body = doc.paths["/api/v1/upload"].post.requestBody;
    expect(Object.keys(body.content)).toEqual(["multipart/form-data"]);
    const form = body.content["multipart/form-data"].schema;
    expect(form.properties.file).toMatchObject({ type: "string", format: "binary" });
    expect(form.properties.title).toMatchObject({ type: "string", maxLength: 255 });
    expect(form.properties.description).toMatchObject({ type: "string" });
    expect(form.required).toEqual(["file", "title"]);
  });

  it("publishes defaulted parameters and body fields as optional, with their defaults and single enums", () => {
    const list = doc.paths["/api/v1/materials"].get as Operation;
    const byName = Object.fromEntries((list.parameters ?? []).map((parameter) => [parameter.name, parameter]));
    for (const name of ["page", "page_size", "sort_by", "sort_order", "material_type"]) {
      expect(byName[name]?.required, name).toBe(false);
    }
    expect(byName.sort_by?.schema).toMatchObject({
      type: "string",
      enum: ["created_at", "view_count", "like_count"],
      default: "created_at",
    });
    expect(byName.sort_order?.schema).toMatchObject({ type: "string", enum: ["asc", "desc"], default: "desc" });
    expect(byName.page?.schema).toMatchObject({ default: 1 });

    const failed = doc.paths["/api/v1/admin/jobs/failed"].get as Operation;
    const required = Object.fromEntries((failed.parameters ?? []).map((p) => [p.name, p.required]));
    expect(required).toEqual({ queue: true, page: false, page_size: false });

    const cleanup = doc.paths["/api/v1/admin/cleanup"].post.requestBody;
    expect(cleanup.required).toBe(false);
    expect(cleanup.content["application/json"].schema.required).toBeUndefined();
  });

  it("gives every response a description, a named schema and x-request-id; 429 its rate-limit headers", () => {
    for (const [name, operation] of operations) {
      for (const [status, response] of Object.entries(operation.responses)) {
        expect(response.description, `${name} ${status}`).not.toBe("Default Response");
        expect(response.headers?.["x-request-id"], `${name} ${status}`).toBeDefined();
        for (const media of Object.values(response.content ?? {})) {
          expect(media.schema.$ref, `${name} ${status}`).toMatch(/^#\/components\/schemas\/\w+$/);
        }
        if (status === "429") {
          expect(Object.keys(response.headers ?? {})).toEqual(
            expect.arrayContaining(["retry-after", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"]),
          );
        }
      }
    }
    expect(doc.paths["/api/v1/upload"].post.responses["201"].headers.location).toBeDefined();
  });

  it("gives each error response the enum of the codes it can carry, each answered with that status", () => {
    const codesOf = (path: string, method: string, status: string): ErrorCode[] => {
      const ref: string = doc.paths[path][method].responses[status].content["application/json"].schema.$ref;
      return doc.components.schemas[ref.split("/").pop() ?? ""].properties.error.properties.code.enum;
    };
    for (const [name, operation] of operations) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) < 400) continue;
        const [method, path] = name.split(" ") as [string, string];
        const codes = codesOf(path, method, status);
        expect(codes.length, `${name} ${status}`).toBeGreaterThan(0);
        for (const code of codes) {
          expect(ERROR_STATUSES[code] as readonly number[], `${name} ${status} ${code}`).toContain(Number(status));
        }
        expect(codes, `${name} ${status} example`).toContain(
          response.content?.["application/json"]?.example?.error.code,
        );
      }
    }
    expect(codesOf("/api/v1/materials", "get", "400").sort()).toEqual(["INVALID_TYPE", "VALIDATION_ERROR"]);
    expect(codesOf("/api/v1/materials/{material_id}", "delete", "401").sort()).toEqual([
      "INVALID_TOKEN",
      "UNAUTHORIZED",
      "USER_NOT_FOUND",
    ]);
    expect(codesOf("/api/v1/admin/cleanup", "post", "403").sort()).toEqual(["FORBIDDEN", "INACTIVE_USER"]);
    expect(codesOf("/api/v1/upload", "post", "500").sort()).toEqual(["INTERNAL_ERROR", "UPLOAD_FAILED"]);
    expect(codesOf("/api/v1/upload/{material_id}", "delete", "400").sort()).toEqual([
      "ALREADY_DELETED",
      "INVALID_STATUS",
      "VALIDATION_ERROR",
    ]);
    expect(codesOf("/ready", "get", "503").sort()).toEqual(["DATABASE_ERROR", "INTERNAL_ERROR", "SERVICE_UNAVAILABLE"]);
  });
});
