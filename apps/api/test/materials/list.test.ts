import { type DatabaseHandle, schema } from "@learning-hub/db";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app";
import { bearer, type RegisteredUser, registerUser } from "../support/auth";
import { insertMaterial, insertMaterials, insertUploader } from "../support/materials";

const envelope = (code: string) => ({ error: { code, message: expect.any(String), details: expect.any(Object) } });

/** A database handle that counts the statements it sends. */
function countingDatabase(url: string): DatabaseHandle & { statements: string[] } {
  const statements: string[] = [];
  const sql = postgres(url, { max: 4, onnotice: () => {}, debug: (_conn, query) => statements.push(query) });
  return { db: drizzle(sql, { schema }), sql, close: () => sql.end({ timeout: 5 }), statements };
}

describe("GET /api/v1/materials", () => {
  let t: TestApp;
  let counting: ReturnType<typeof countingDatabase>;
  let alice: RegisteredUser;
  let uploaderId: number;

  beforeAll(async () => {
    t = await createTestApp({
      override: (deps) => {
        counting = countingDatabase(deps.config.database.url);
        return { database: counting };
      },
    });
    alice = await registerUser(t.app, { name: "Alice" });
    uploaderId = await insertUploader(t.env.database.db, "Bob", "https://example.com/bob.png");
  });
  afterAll(async () => {
    await counting.close();
    await t.close();
  });

  const list = (query: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: "GET", url: `/api/v1/materials${query}`, headers });

  describe("validation", () => {
    it.each([
      ["?page=0", "page"],
      ["?page=-1", "page"],
      ["?page=abc", "page"],
      ["?page_size=0", "page_size"],
      ["?page_size=101", "page_size"],
      ["?page_size=2.5", "page_size"],
      ["?sort_by=title", "sort_by"],
      ["?sort_order=up", "sort_order"],
    ])("%s: 400 VALIDATION_ERROR naming %s", async (query, field) => {
      const res = await list(query);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual(envelope("VALIDATION_ERROR"));
      expect(res.json().error.details.fields).toEqual(
        expect.arrayContaining([expect.objectContaining({ field, reason: expect.any(String) })]),
      );
    });

    it.each(["image", "VIDEO", "", "video&material_type=pdf"])("material_type=%s: 400 INVALID_TYPE", async (value) => {
      const res = await list(`?material_type=${value}`);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual(envelope("INVALID_TYPE"));
      expect(res.json().error.details.fields).toEqual([{ field: "material_type", reason: expect.any(String) }]);
    });

    it("a bad material_type wins over other problems", async () => {
      const res = await list("?material_type=doc&page=0");
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe("INVALID_TYPE");
    });

    it("documents the material_type enum in OpenAPI", async () => {
      const doc = (await t.app.inject({ method: "GET", url: "/openapi.json" })).json();
      const op = doc.paths["/api/v1/materials"].get;
      const param = op.parameters.find((p: { name: string }) => p.name === "material_type");
      expect(JSON.stringify(param.schema)).toContain('"video"');
      expect(JSON.stringify(param.schema)).toContain('"pdf"');
      expect(op.responses["400"].description).toContain("INVALID_TYPE");
    });
  });

  describe("with materials", () => {
    let videos: Awaited<ReturnType<typeof insertMaterials>>;
    let pdf: Awaited<ReturnType<typeof insertMaterial>>;

    beforeAll(async () => {
      const db = t.env.database.db;
      const base = Date.parse("2024-01-15T08:30:00Z");
      videos = await insertMaterials(
        db,
        [0, 1, 2].map((i) => ({
          uploaderId,
          title: `Video ${i}`,
          createdAt: new Date(base + i * 1000),
          updatedAt: new Date(base + i * 1000),
        })),
      );
      pdf = await insertMaterial(db, { uploaderId, type: "pdf", title: "Pdf", createdAt: new Date(base + 5000) });
      await insertMaterial(db, { uploaderId, title: "Hidden", status: "hidden" });
      await insertMaterial(db, { uploaderId, title: "Processing", status: "processing" });
      const liked = await t.app.inject({
        method: "POST",
        url: `/api/v1/materials/${videos[1]?.id}/like`,
        headers: bearer(alice.accessToken),
      });
      expect(liked.statusCode).toBe(200);
    });

    it("lists active materials only, newest first by default, in the contract's shape", async () => {
      const res = await list("");
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({ total: 4, page: 1, page_size: 20, total_pages: 1 });
      expect(body.items.map((m: { title: string }) => m.title)).toEqual(["Pdf", "Video 2", "Video 1", "Video 0"]);
      const video0 = videos[0];
      expect(body.items[3]).toEqual({
        id: video0?.id,
        title: "Video 0",
        description: "About something",
        type: "video",
        file_path: video0?.filePath,
        file_size: 1024,
        file_format: "mp4",
        thumbnail_path: null,
        uploader_id: uploaderId,
        uploader_name: "Bob",
        uploader_avatar: "https://example.com/bob.png",
        view_count: 0,
        like_count: 0,
        status: "active",
        created_at: "2024-01-15T08:30:00Z",
        updated_at: "2024-01-15T08:30:00Z",
        is_liked: false,
        thumbnail_status: "pending",
        duration_seconds: null,
        width: null,
        height: null,
        page_count: null,
        source_path: null,
      });
    });

    it("filters by type", async () => {
      const res = await list("?material_type=pdf");
      expect(res.json()).toMatchObject({ total: 1, total_pages: 1, items: [{ id: pdf.id, type: "pdf" }] });
    });

    it("is_liked is the caller's: true for Alice's like, false for others and anonymous callers", async () => {
      const likedId = videos[1]?.id;
      const isLiked = (body: { items: { id: number; is_liked: boolean }[] }) =>
        body.items.filter((m) => m.is_liked).map((m) => m.id);
      expect(isLiked((await list("", bearer(alice.accessToken))).json())).toEqual([likedId]);
      const carol = await registerUser(t.app);
      expect(isLiked((await list("", bearer(carol.accessToken))).json())).toEqual([]);
      expect(isLiked((await list("")).json())).toEqual([]);
      // A bad token on this optional-auth route is treated as anonymous.
      const bad = await list("", bearer("not-a-token"));
      expect(bad.statusCode).toBe(200);
      expect(isLiked(bad.json())).toEqual([]);
    });

    it("sorts by like_count ascending with ties broken by id", async () => {
      const res = await list("?sort_by=like_count&sort_order=asc");
      const ids = res.json().items.map((m: { id: number }) => m.id);
      const unliked = [videos[0]?.id, videos[2]?.id, pdf.id].sort((a = 0, b = 0) => a - b);
      expect(ids).toEqual([...unliked, videos[1]?.id]);
    });

    it("total_pages = ceil(total / page_size), and a page past the end is empty", async () => {
      expect((await list("?page_size=3")).json()).toMatchObject({ total: 4, page_size: 3, total_pages: 2 });
      const past = (await list("?page=3&page_size=3")).json();
      expect(past).toMatchObject({ items: [], total: 4, page: 3, total_pages: 2 });
    });

    it("needs the same number of queries for a page of 1 and a page of 100, signed in", async () => {
      const statementsFor = async (query: string) => {
        await list(query, bearer(alice.accessToken)); // warms the session cache
        counting.statements.length = 0;
        const res = await list(query, bearer(alice.accessToken));
        expect(res.statusCode).toBe(200);
        return counting.statements.filter((s) => !/auth_sessions/.test(s)).length;
      };
      const small = await statementsFor("?page_size=1");
      const large = await statementsFor("?page_size=100");
      expect(large).toBe(small);
      expect(large).toBeLessThanOrEqual(2);
    });
  });

  it("total_pages is 0 when nothing matches", async () => {
    const empty = await createTestApp();
    try {
      const res = await empty.app.inject({ method: "GET", url: "/api/v1/materials" });
      expect(res.json()).toEqual({ items: [], total: 0, page: 1, page_size: 20, total_pages: 0 });
    } finally {
      await empty.close();
    }
  });
});

describe("paging through 1,000 active materials", () => {
  let t: TestApp;
  let all: number[];
  let pdfs: number[];

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.env.database.db;
    const uploaders = [await insertUploader(db), await insertUploader(db)];
    const base = Date.parse("2024-01-01T00:00:00Z");
    // Few distinct values in every sort column, so most rows tie and only the id orders them.
    const rows = await insertMaterials(
      db,
      Array.from({ length: 1000 }, (_, i) => ({
        uploaderId: uploaders[i % 2] ?? 0,
        type: i % 3 === 0 ? ("pdf" as const) : ("video" as const),
        createdAt: new Date(base + (i % 7) * 1000),
        viewCount: i % 5,
        likeCount: i % 4,
      })),
    );
    // Rows that are not active must never show up.
    await insertMaterials(db, [
      { uploaderId: uploaders[0] ?? 0, status: "hidden" },
      { uploaderId: uploaders[0] ?? 0, status: "processing" },
    ]);
    all = rows.map((r) => r.id);
    pdfs = rows.filter((r) => r.type === "pdf").map((r) => r.id);
  });
  afterAll(async () => {
    await t.close();
  });

  type Item = { id: number; created_at: string; view_count: number; like_count: number };

  async function walk(query: string) {
    const seen: Item[] = [];
    const first = (await t.app.inject({ method: "GET", url: `/api/v1/materials?page_size=7&${query}` })).json();
    for (let page = 1; page <= first.total_pages; page++) {
      const res = await t.app.inject({ method: "GET", url: `/api/v1/materials?page_size=7&page=${page}&${query}` });
      expect(res.statusCode).toBe(200);
      seen.push(...res.json().items);
    }
    return { seen, total: first.total as number, totalPages: first.total_pages as number };
  }

  for (const sortBy of ["created_at", "view_count", "like_count"]) {
    for (const sortOrder of ["asc", "desc"]) {
      it(`sort_by=${sortBy}&sort_order=${sortOrder} visits every material exactly once`, async () => {
        const { seen, total, totalPages } = await walk(`sort_by=${sortBy}&sort_order=${sortOrder}`);
        expect(total).toBe(1000);
        expect(totalPages).toBe(143);
        expect(seen).toHaveLength(1000);
        expect(new Set(seen.map((m) => m.id))).toEqual(new Set(all));
        // And in order: by the column, then by id, both in the requested direction.
        const key = (m: Item) => [sortBy === "created_at" ? Date.parse(m.created_at) : m[sortBy as "view_count"], m.id];
        const sign = sortOrder === "asc" ? 1 : -1;
        for (let i = 1; i < seen.length; i++) {
          const [a1 = 0, a2 = 0] = key(seen[i - 1] as Item);
          const [b1 = 0, b2 = 0] = key(seen[i] as Item);
          expect(sign * (b1 - a1) > 0 || (b1 === a1 && sign * (b2 - a2) > 0)).toBe(true);
        }
      });
    }
  }

  it("with a type filter too", async () => {
    const { seen } = await walk("sort_by=like_count&sort_order=desc&material_type=pdf");
    expect(seen).toHaveLength(pdfs.length);
    expect(new Set(seen.map((m) => m.id))).toEqual(new Set(pdfs));
  });
});
