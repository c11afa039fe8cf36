import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSearchQuery, searchDocument } from "../../src/search";
import { admin, testDatabaseUrl } from "../test-server";

/** Locales every glibc system has; `C` is the one where PostgreSQL knows nothing about non-ASCII letters. */
const LOCALES = ["C", "C.UTF-8"];
const suffix = randomBytes(4).toString("hex");
const databaseName = (locale: string) => `lh_test_locale_${locale.replace(/\W/g, "").toLowerCase()}_${suffix}`;

const DOCUMENT =
  "Gradient methods: 梯度下降法的收敛条件. We learned stochastic gradient descent (SGD) with ＧＰＵ加速.";

describe.each(LOCALES)("matching in a database with lc_ctype %s", (locale) => {
  const name = databaseName(locale);
  let sql: postgres.Sql;

  beforeAll(async () => {
    await admin(
      `create database ${name} template template0 encoding 'UTF8' lc_collate '${locale}' lc_ctype '${locale}'`,
    );
    sql = postgres(testDatabaseUrl(name), { max: 1, onnotice: () => {} });
    await sql`create extension pg_trgm`;
  });
  afterAll(async () => {
    await sql?.end();
    await admin(`drop database if exists ${name} with (force)`);
  });

  async function matches(document: string, q: string): Promise<boolean> {
    const query = buildSearchQuery(q);
    if (!query) return false;
    const [row] = await sql`
      select to_tsvector('english', ${searchDocument(document)}) @@ to_tsquery('english', ${query.tsquery}) as hit`;
    return row?.hit === true;
  }

  it.each([
    ["收敛", true],
    ["下降法", true],
    ["梯度下降法的收敛条件", true],
    ["降收", false],
    ["收", true],
    ["gradients", true],
    ["learning", true],
    ["stoch", true],
    ["gpu 加速", true],
    ["Gradient 收敛", true],
    ["gradient 发散", false],
    ["descents", true],
    ["decent", false],
  ])("q=%s matches: %s", async (q, expected) => {
    expect(await matches(DOCUMENT, q)).toBe(expected);
  });

  it("finds a title from a misspelt word by trigram similarity", async () => {
    const fuzzy = buildSearchQuery("algoritm")?.fuzzyText ?? "";
    const [row] =
      await sql`select ${fuzzy} <% 'Introduction to Algorithms' as hit, ${fuzzy} <% 'Linear Algebra' as miss`;
    expect(row).toEqual({ hit: true, miss: false });
  });
});
