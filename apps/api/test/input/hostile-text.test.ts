import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app";
import { bearer, makeAdmin, type RegisteredUser, registerUser } from "../support/auth";
import { minimalPdf } from "../support/generated-media";
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
        { name: "file", filename: "notes.pdf", content: minimalPdf() },
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
        { name: "file", filename: "notes.pdf", content: minimalPdf() },
      ]),
    );
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().description).toBe("Part one\r\n\tPart two");
  });
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
