import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { referenceProblems } from "./support/api-reference";
import { createTestApp, type TestApp } from "./support/app";

const repositoryRoot = fileURLToPath(new URL("../../../", import.meta.url));
const read = (file: string) => readFileSync(path.join(repositoryRoot, file), "utf8");

describe("API reference (docs/api.md)", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it("has one section per operation of the OpenAPI document, naming each status code it can answer", async () => {
    const res = await t.app.inject({ method: "GET", url: "/openapi.json" });
    expect(referenceProblems(read("docs/api.md"), res.json())).toEqual([]);
  });

  it("is linked from the README, and the docs link only to files of the repository", () => {
    expect(read("README.md").includes("(docs/api.md)"), "README links docs/api.md").toBe(true);
    for (const page of ["README.md", "DEVELOPERS.md", "docs/api.md", "docs/api-decisions.md"]) {
      const targets = [...read(page).matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((match) => match[1] ?? "");
      for (const target of targets.filter((link) => !/^[a-z]+:/.test(link))) {
        const resolved = path.resolve(repositoryRoot, path.dirname(page), target);
        expect(resolved.startsWith(repositoryRoot), `${page} links outside the repository: ${target}`).toBe(true);
        expect(existsSync(resolved), `${page} links to a missing file: ${target}`).toBe(true);
      }
    }
  });
});

describe("referenceProblems", () => {
  const document = {
    paths: {
      "/api/v1/things/{id}": { get: { responses: { 200: {}, 404: {} } }, delete: { responses: { 204: {} } } },
    },
  };

  it("accepts a reference that names every operation and status", () => {
    const markdown =
      "## Things\n\n### GET /api/v1/things/{id}\n\n200 or 404.\n\n### DELETE /api/v1/things/{id}\n\n204\n";
    expect(referenceProblems(markdown, document)).toEqual([]);
  });

  it("reports a missing operation, an operation that is not served and an unmentioned status", () => {
    const markdown =
      "### GET /api/v1/things/{id}\n\n200 only.\n\n## Other\n\n404 here does not count.\n\n### POST /api/v1/things\n";
    expect(referenceProblems(markdown, document)).toEqual([
      "GET /api/v1/things/{id} can answer 404 but its section does not say so",
      "DELETE /api/v1/things/{id} is served but has no section in docs/api.md",
      "POST /api/v1/things is in docs/api.md but not served",
    ]);
  });

  it("takes the statuses of the `**Any operation**` paragraph as documented for every operation", () => {
    const markdown =
      "**Any operation** can also answer 404.\n\n### GET /api/v1/things/{id}\n\n200\n\n### DELETE /api/v1/things/{id}\n\n204\n";
    expect(referenceProblems(markdown, document)).toEqual([]);
    expect(referenceProblems(markdown.replace("**Any operation**", "Some operations"), document)).toEqual([
      "GET /api/v1/things/{id} can answer 404 but its section does not say so",
    ]);
  });

  it("refuses two sections for one operation", () => {
    expect(() => referenceProblems("### GET /a\n\n### GET /a\n", { paths: {} })).toThrow(/two sections/);
  });
});
