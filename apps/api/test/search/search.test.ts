import { materialPages, materials } from "@learning-hub/db";
import { SEARCH_TOTAL_CAP } from "@learning-hub/db/repositories/search";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestApp, type TestApp } from "../support/app";
import { bearer, type RegisteredUser, registerUser } from "../support/auth";
import { multipartForm } from "../support/multipart";
import { postUpload } from "../support/uploads";
import { type InProcessWorker, startWorker } from "../support/worker";
import { algorithmsPdf, cjkLecturePdf, convexityPdf, lecturePdf, scannedPdf, tinyMp4 } from "./fixtures";

interface SearchMatch {
  field: "title" | "description" | "page" | "caption";
  page: number | null;
  start_seconds: number | null;
  snippet: string;
}
interface SearchResult {
  material: { id: number; title: string; is_liked: boolean; uploader_name: string };
  score: number;
  matches: SearchMatch[];
}
interface SearchPage {
  items: SearchResult[];
  total: number;
  page: number;
  page_size: number;
  total_pages: number;
  total_capped: boolean;
}

let t: TestApp;
let worker: InProcessWorker;
let owner: RegisteredUser;
let other: RegisteredUser;
const ids = { lecture: 0, cjk: 0, algorithms: 0, scanned: 0, video: 0, hidden: 0 };

async function upload(user: RegisteredUser, title: string, filename: string, file: Buffer, description?: string) {
  const form = multipartForm([
    { name: "title", value: title },
    ...(description ? [{ name: "description", value: description }] : []),
    { name: "file", filename, content: file },
  ]);
  const response = await postUpload(t, user.accessToken, form);
  if (response.statusCode !== 201) throw new Error(`upload failed: ${response.statusCode} ${response.body}`);
  return response.json().id as number;
}

async function textStatus(id: number) {
  const [row] = await t.env.database.db
    .select({ textStatus: materials.textStatus, textNote: materials.textNote })
    .from(materials)
    .where(eq(materials.id, id));
  return row;
}

async function pagesOf(id: number): Promise<number> {
  const rows = await t.env.database.db.select().from(materialPages).where(eq(materialPages.materialId, id));
  return rows.length;
}

const waitForText = (id: number) =>
  vi.waitFor(
    async () => {
      const row = await textStatus(id);
      if (!row || row.textStatus === "pending") throw new Error(`the text of material ${id} is still pending`);
      return row;
    },
    { timeout: 60_000, interval: 100 },
  );

async function search(query: string, token?: string): Promise<SearchPage> {
  const response = await t.app.inject({
    method: "GET",
    url: `/api/v1/search?${query}`,
    headers: token ? bearer(token) : {},
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

const q = (text: string) => `q=${encodeURIComponent(text)}`;
const idsOf = (page: SearchPage) => page.items.map((item) => item.material.id);
const resultFor = (page: SearchPage, id: number) => page.items.find((item) => item.material.id === id);

beforeAll(async () => {
  t = await createTestApp();
  worker = await startWorker(t, { queues: ["thumbnails", "maintenance"], reconcile: false });
  owner = await registerUser(t.app);
  other = await registerUser(t.app);
  ids.lecture = await upload(owner, "Optimisation lecture 4", "lecture-4.pdf", lecturePdf());
  ids.cjk = await upload(owner, "Lecture one", "lecture-cjk.pdf", cjkLecturePdf());
  ids.algorithms = await upload(other, "Introduction to Algorithms", "clrs.pdf", algorithmsPdf());
  ids.scanned = await upload(other, "Scanned handout", "scan.pdf", scannedPdf());
  ids.hidden = await upload(other, "Hidden gradient notes", "hidden.pdf", lecturePdf());
  ids.video = await upload(owner, "Deep learning, week 3", "week3.mp4", await tinyMp4(), "Backpropagation explained");
  await Promise.all([ids.lecture, ids.cjk, ids.algorithms, ids.scanned, ids.hidden].map(waitForText));
  await t.env.database.db.update(materials).set({ status: "hidden" }).where(eq(materials.id, ids.hidden));
}, 120_000);

afterAll(async () => {
  await worker?.close();
  await t?.close();
});

describe("GET /api/v1/search: PDF pages", () => {
  it("finds the Chinese on page 3 and marks it", async () => {
    const page = await search(q("收敛"));
    expect(idsOf(page)).toEqual([ids.lecture]);
    const [match] = resultFor(page, ids.lecture)?.matches ?? [];
    expect(match).toMatchObject({ field: "page", page: 3, start_seconds: null });
    expect(match?.snippet).toContain("梯度下降法的<mark>收敛</mark>条件");
  });

  it("finds an English word on page 5 only", async () => {
    const page = await search(q("descent"));
    expect(idsOf(page)).toEqual([ids.lecture]);
    const matches = resultFor(page, ids.lecture)?.matches ?? [];
    expect(matches.map((match) => [match.field, match.page])).toEqual([["page", 5]]);
    expect(matches[0]?.snippet).toContain("gradient <mark>descent</mark>");
  });

  it("matches across inflections: `gradients` finds pages 3 and 5", async () => {
    const page = await search(q("gradients"));
    const matches = resultFor(page, ids.lecture)?.matches ?? [];
    expect(matches.map((match) => match.page).sort()).toEqual([3, 5]);
    expect(
      matches.every(
        (match) => match.snippet.includes("<mark>Gradient</mark>") || match.snippet.includes("<mark>gradient</mark>"),
      ),
    ).toBe(true);
  });

  it("matches the last word as a prefix: `stoch` finds page 5", async () => {
    const page = await search(q("stoch"));
    expect(resultFor(page, ids.lecture)?.matches).toEqual([
      expect.objectContaining({ field: "page", page: 5, snippet: expect.stringContaining("<mark>stochastic</mark>") }),
    ]);
  });

  it("escapes markup from the PDF in snippets", async () => {
    const page = await search(q("alert"));
    const snippet = resultFor(page, ids.lecture)?.matches[0]?.snippet ?? "";
    expect(snippet).toContain("&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;");
    expect(snippet).not.toContain("<script>");
  });

  it("indexes Chinese text drawn with a non-embedded CJK font", async () => {
    expect(await textStatus(ids.cjk)).toEqual({ textStatus: "completed", textNote: null });
    const page = await search(q("反向传播"));
    expect(idsOf(page)).toContain(ids.cjk);
    expect(resultFor(page, ids.cjk)?.matches[0]).toMatchObject({ field: "page", page: 1 });
    expect(resultFor(page, ids.cjk)?.matches[0]?.snippet).toContain("神经网络与<mark>反向传播</mark>");
  });

  it("marks a PDF without a text layer `no_text`, not failed", async () => {
    expect(await textStatus(ids.scanned)).toEqual({ textStatus: "no_text", textNote: null });
  });
});

describe("GET /api/v1/search: titles and ranking", () => {
  it("finds a title from a misspelt word", async () => {
    const page = await search(q("algoritm"));
    expect(idsOf(page)).toEqual([ids.algorithms]);
    expect(page.items[0]?.matches[0]).toMatchObject({ field: "title", snippet: "Introduction to Algorithms" });
  });

  it("ranks a title match above a description match above page text", async () => {
    const lecture = await upload(other, "Backpropagation in practice", "bp.pdf", algorithmsPdf());
    const page = await search(q("backpropagation"));
    expect(idsOf(page)).toEqual([lecture, ids.video]);
    expect(page.items.map((item) => item.score)).toEqual([1, 0.6]);
    expect(page.items[1]?.matches[0]).toMatchObject({
      field: "description",
      snippet: "<mark>Backpropagation</mark> explained",
    });
  });

  it("returns the list item shape with is_liked for the caller, and pages with a stable order", async () => {
    const liked = await t.app.inject({
      method: "POST",
      url: `/api/v1/materials/${ids.lecture}/like`,
      headers: bearer(other.accessToken),
    });
    expect(liked.statusCode).toBe(200);
    const signedIn = await search(q("gradient"), other.accessToken);
    expect(resultFor(signedIn, ids.lecture)?.material).toMatchObject({ is_liked: true, uploader_name: "Test User" });
    const anonymous = await search(q("gradient"));
    expect(resultFor(anonymous, ids.lecture)?.material.is_liked).toBe(false);

    const first = await search(`${q("lecture")}&page_size=1&page=1`);
    const second = await search(`${q("lecture")}&page_size=1&page=2`);
    expect(first).toMatchObject({ total: 2, page: 1, page_size: 1, total_pages: 2 });
    expect(idsOf(first)).not.toEqual(idsOf(second));
    const beyond = await search(`${q("lecture")}&page_size=1&page=5`);
    expect(beyond).toMatchObject({ items: [], total: 2, total_pages: 2 });
  });

  it("filters by material_type and uploader_id", async () => {
    expect(idsOf(await search(`${q("lecture")}&material_type=video`))).toEqual([]);
    expect(idsOf(await search(`${q("lecture")}&uploader_id=${other.id}`))).toEqual([]);
    expect(idsOf(await search(`${q("lecture")}&uploader_id=${owner.id}&material_type=pdf`)).sort()).toEqual(
      [ids.lecture, ids.cjk].sort(),
    );
  });

  it("never returns a hidden material", async () => {
    for (const text of ["Hidden gradient notes", "收敛", "stochastic"]) {
      expect(idsOf(await search(q(text)))).not.toContain(ids.hidden);
    }
  });

  it("rejects an empty or too long query with VALIDATION_ERROR", async () => {
    for (const bad of ["q=", `q=${encodeURIComponent("   ")}`, q("x".repeat(201)), ""]) {
      const response = await t.app.inject({ method: "GET", url: `/api/v1/search?${bad}` });
      expect(response.statusCode, bad).toBe(400);
      expect(response.json().error.code).toBe("VALIDATION_ERROR");
    }
    expect((await search(q(` ${"收".repeat(200)} `))).total).toBe(0);
  });

  it("answers a query of punctuation only with no results", async () => {
    expect(await search(q("&|!():*"))).toEqual({
      items: [],
      total: 0,
      page: 1,
      page_size: 20,
      total_pages: 0,
      total_capped: false,
    });
  });
});

describe("GET /api/v1/search: totals past the cap", () => {
  /**
   * `count` active materials of the owner: those titled "Zephyrine title N" match by title, "Zephyrine content N"
   * by two content vectors each (pages 1-20 and 21-40), which must count once; likes rise with N.
   */
  async function seedMatches(kind: "title" | "content", from: number, count: number) {
    const { db } = t.env.database;
    const title = kind === "title" ? "'Zephyrine title ' || n" : "'Bulk content ' || n";
    await db.execute(sql`
      insert into materials (title, type, file_path, file_size, file_format, thumbnail_status, uploader_id,
                             like_count, status, text_status, search_vector)
      select ${sql.raw(title)}, 'pdf', 'bulk/' || ${kind} || '/' || n || '.pdf', 1000, 'pdf', 'completed',
             ${owner.id}, n, 'active', 'completed',
             setweight(to_tsvector('english', ${sql.raw(title)}), 'A')
        from generate_series(${from}::int, ${from + count - 1}::int) as n`);
    if (kind === "content") {
      await db.execute(sql`
        insert into material_content_vectors (material_id, source, chunk, search_vector)
        select id, 'pages', chunk, to_tsvector('english', 'zephyrine')
          from materials, generate_series(0, 1) as chunk
         where file_path like 'bulk/content/%' and not exists (
           select 1 from material_content_vectors v where v.material_id = materials.id)`);
    }
  }

  it("counts exactly up to the cap, then says the total is capped; pages past it still hold the rest", async () => {
    const titles = (SEARCH_TOTAL_CAP * 3) / 5; // a multiple of the page size, so a page starts the content matches
    await seedMatches("title", 1, titles);
    await seedMatches("content", 1, SEARCH_TOTAL_CAP - titles);
    const exact = await search(`${q("zephyrine")}&page_size=20`);
    expect(exact).toMatchObject({ total: SEARCH_TOTAL_CAP, total_capped: false, total_pages: SEARCH_TOTAL_CAP / 20 });
    expect(exact.items.map((item) => item.material.title)).toEqual(
      Array.from({ length: 20 }, (_, index) => `Zephyrine title ${titles - index}`),
    );
    // Title matches first (by likes), then content matches (by likes), across the page boundary.
    const boundary = await search(`${q("zephyrine")}&page_size=20&page=${titles / 20 + 1}`);
    expect(boundary.items[0]).toMatchObject({
      score: 0.4,
      material: { title: `Bulk content ${SEARCH_TOTAL_CAP - titles}` },
    });

    await seedMatches("content", SEARCH_TOTAL_CAP - titles + 1, 1);
    const capped = await search(`${q("zephyrine")}&page_size=20`);
    expect(capped).toMatchObject({ total: SEARCH_TOTAL_CAP, total_capped: true, total_pages: SEARCH_TOTAL_CAP / 20 });
    const past = await search(`${q("zephyrine")}&page_size=20&page=${SEARCH_TOTAL_CAP / 20 + 1}`);
    expect(past.items.map((item) => item.material.title)).toEqual(["Bulk content 1"]);
    expect(past).toMatchObject({ total: SEARCH_TOTAL_CAP, total_capped: true });
    const beyond = await search(`${q("zephyrine")}&page_size=20&page=${SEARCH_TOTAL_CAP / 20 + 2}`);
    expect(beyond).toMatchObject({ items: [], total: SEARCH_TOTAL_CAP, total_capped: true });
  });
});

describe("search after a delete", () => {
  it("no longer finds a material deleted through DELETE /upload/{id}, and drops its pages", async () => {
    const id = await upload(owner, "Temporary notes on convexity", "tmp.pdf", convexityPdf());
    await waitForText(id);
    expect(idsOf(await search(q("convexity")))).toEqual([id]);
    const deleted = await t.app.inject({
      method: "DELETE",
      url: `/api/v1/upload/${id}`,
      headers: bearer(owner.accessToken),
    });
    expect(deleted.statusCode).toBe(204);
    expect(idsOf(await search(q("convexity")))).toEqual([]);
    expect(await pagesOf(id)).toBe(0);
  });
});
