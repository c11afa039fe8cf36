import { materialVector } from "@learning-hub/db/search";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app";
import { type RegisteredUser, registerUser } from "../support/auth";
import { insertMaterial } from "../support/materials";

let t: TestApp;
let alice: RegisteredUser;
let bob: RegisteredUser;
const ids: Record<string, number> = {};

async function seed(user: RegisteredUser, title: string, extra: { status?: "hidden"; likeCount?: number } = {}) {
  const material = await insertMaterial(t.env.database.db, {
    uploaderId: user.id,
    title,
    searchVector: materialVector(title, "About something") as unknown as string,
    createdAt: new Date(Date.UTC(2025, 0, 1 + Object.keys(ids).length)),
    ...extra,
  });
  ids[title] = material.id;
}

async function list(query: string) {
  const response = await t.app.inject({ method: "GET", url: `/api/v1/materials?${query}` });
  return response;
}

const titles = (body: { items: { title: string }[] }) => body.items.map((item) => item.title);

beforeAll(async () => {
  t = await createTestApp();
  alice = await registerUser(t.app);
  bob = await registerUser(t.app);
  await seed(alice, "Linear algebra notes", { likeCount: 5 });
  await seed(alice, "Convex optimisation");
  await seed(alice, "Linear hidden", { status: "hidden" });
  await seed(bob, "Linear regression", { likeCount: 9 });
  await seed(bob, "Calculus 微积分");
});

afterAll(async () => {
  await t?.close();
});

describe("GET /api/v1/materials filters", () => {
  it("uploader_id lists one uploader's active materials in the list's shape", async () => {
    const response = await list(`uploader_id=${alice.id}`);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(titles(body)).toEqual(["Convex optimisation", "Linear algebra notes"]);
    expect(body).toMatchObject({ total: 2, page: 1, page_size: 20, total_pages: 1 });
    const plain = (await list("page_size=1")).json();
    expect(Object.keys(body.items[0]).sort()).toEqual(Object.keys(plain.items[0]).sort());
  });

  it("q keeps the matching materials in the list's own order", async () => {
    expect(titles((await list("q=linear")).json())).toEqual(["Linear regression", "Linear algebra notes"]);
    expect(titles((await list("q=linear&sort_by=like_count&sort_order=asc")).json())).toEqual([
      "Linear algebra notes",
      "Linear regression",
    ]);
    expect((await list(`q=linear&uploader_id=${bob.id}`)).json()).toMatchObject({
      items: [{ title: "Linear regression" }],
      total: 1,
    });
    expect(titles((await list(`q=${encodeURIComponent("微积")}`)).json())).toEqual(["Calculus 微积分"]);
    expect((await list("q=linear&page=2&page_size=1")).json()).toMatchObject({ total: 2, total_pages: 2 });
    expect((await list("q=linear&material_type=pdf")).json()).toMatchObject({ items: [], total: 0 });
  });

  it("rejects an empty q and a bad uploader_id with VALIDATION_ERROR", async () => {
    for (const query of ["q=", "q=%20%20", "uploader_id=abc", "uploader_id=0"]) {
      const response = await list(query);
      expect(response.statusCode, query).toBe(400);
      expect(response.json().error.code).toBe("VALIDATION_ERROR");
    }
  });
});
