import { writePdf } from "@learning-hub/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app";
import { bearer, makeAdmin, type RegisteredUser, registerUser } from "../support/auth";
import { multipartForm } from "../support/multipart";
import { leftovers, postUpload } from "../support/uploads";

let t: TestApp;
let alice: RegisteredUser;

beforeAll(async () => {
  t = await createTestApp();
  alice = await registerUser(t.app);
});
afterAll(() => t.close());

const CONTROL_REASON = "must not contain control characters";

describe("text with control characters is 400 VALIDATION_ERROR naming the field", () => {
  it.each([
    ["a NUL in the title", { title: "Week\u00001", description: "fine" }, "title"],
    ["a NUL in the description", { title: "Week 1", description: "nul\u0000here" }, "description"],
    ["an escape in the description", { title: "Week 1", description: "\u001b[31mred" }, "description"],
    ["a line break in the title", { title: "Week\n1", description: "fine" }, "title"],
  ])("upload: %s", async (_what, fields, field) => {
    const response = await postUpload(
      t,
      alice.accessToken,
      multipartForm([
        { name: "title", value: fields.title },
        { name: "description", value: fields.description },
        { name: "file", filename: "notes.pdf", content: writePdf([["Hello"]]) },
      ]),
    );
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().error).toMatchObject({
      code: "VALIDATION_ERROR",
      details: { fields: [{ field, reason: CONTROL_REASON }] },
    });
    expect(await leftovers(t, alice.id)).toEqual({ rows: 0, objects: 0 });
  });

  it("upload: tabs and line breaks in a description are kept", async () => {
    const response = await postUpload(
      t,
      alice.accessToken,
      multipartForm([
        { name: "title", value: "Week 2" },
        { name: "description", value: "Part one\r\n\tPart two" },
        { name: "file", filename: "notes.pdf", content: writePdf([["Hello"]]) },
      ]),
    );
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().description).toBe("Part one\r\n\tPart two");
  });
});

describe("register: the name refuses control characters", () => {
  it.each([
    ["a NUL", "Ann\u0000Lee", "must have a visible character and no control characters"],
    ["an escape", "\u001b[2JAnn", "must have a visible character and no control characters"],
    ["a line break", "Ann\nLee", "must have a visible character and no control characters"],
    ["only blanks", "   ", "must have a visible character and no control characters"],
  ])("%s is 400 VALIDATION_ERROR naming name, and creates nobody", async (_what, name, reason) => {
    const email = `hostile-${Math.random().toString(36).slice(2, 10)}@example.com`;
    const response = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/register",
      payload: { email, name, password: "quiet-harbour-42" },
    });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().error).toMatchObject({
      code: "VALIDATION_ERROR",
      details: { fields: [{ field: "name", reason }] },
    });
    expect(await t.env.database.sql`select id from users where email = ${email}`).toHaveLength(0);
  });

  it("a NUL in the login email is 400, not a database error", async () => {
    const response = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: { email: "ann\u0000@example.com", password: "whatever-1" },
    });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().error.code).toBe("VALIDATION_ERROR");
  });

  it("names with letters of any script, spaces and punctuation are fine", async () => {
    const response = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/register",
      payload: {
        email: `intl-${Math.random().toString(36).slice(2, 10)}@example.com`,
        name: "Zoë O'Brien-李",
        password: "quiet-harbour-42",
      },
    });
    expect(response.statusCode, response.body).toBe(201);
  });
});

describe("search text refuses control characters", () => {
  it.each(["/api/v1/search?q=a%00b", "/api/v1/materials?q=a%00b", "/api/v1/search?q=%1b%5b2J"])(
    "%s is 400 VALIDATION_ERROR naming q",
    async (url) => {
      const response = await t.app.inject({ method: "GET", url });
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json().error).toMatchObject({
        code: "VALIDATION_ERROR",
        details: { fields: [{ field: "q", reason: CONTROL_REASON }] },
      });
    },
  );
});

describe("integer query parameters have maxima", () => {
  it("failed jobs: a page beyond any Redis offset is 400, not 500", async () => {
    const admin = await registerUser(t.app);
    await makeAdmin(t, admin.id);
    for (const page of ["99999999999999999999", "1000001"]) {
      const response = await t.app.inject({
        method: "GET",
        url: `/api/v1/admin/jobs/failed?queue=thumbnails&page=${page}`,
        headers: bearer(admin.accessToken),
      });
      expect(response.statusCode, page).toBe(400);
      expect(response.json().error.code).toBe("VALIDATION_ERROR");
    }
  });
});
