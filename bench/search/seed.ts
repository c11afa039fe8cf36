import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import postgres from "postgres";
import { runMigrations } from "../../packages/db/src/index";
import { PAGES_PER_CHUNK } from "../../packages/db/src/repositories/content-vectors";
import { searchDocument } from "../../packages/db/src/search/index";
import { adminQuery, databaseUrl, LOCAL_POSTGRES_ADMIN_URL } from "../../packages/testing/src/constants";
import { Corpus } from "./corpus";

export interface SearchSeed {
  materials: number;
  pages: number;
  /** Characters of text per page (about). */
  pageCharacters: number;
  seed: number;
}

const UPLOADERS = 200;
/** Introduced into one title so the misspelt-title query has something to find. */
export const KNOWN_TITLE = "Introduction to Algorithms";

/** COPY text format: backslash, tab, newline and carriage return escaped. */
const copyField = (value: string) =>
  value.replace(/[\\\t\n\r]/g, (c) => ({ "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" })[c] ?? c);

async function copyRows(sql: postgres.Sql, statement: string, rows: Iterable<string>): Promise<void> {
  const writable = await sql.unsafe(statement).writable();
  await pipeline(Readable.from(rows, { objectMode: false }), writable);
}

/**
 * A migrated database of `materials` materials (90% active PDFs, like counts with many ties) and `pages`
 * pages of mixed Chinese/English text spread over the PDFs, indexed as the application indexes them
 * (text tokenised in code, `to_tsvector('english', …)` in PostgreSQL). Reproducible from `seed`.
 */
export async function seedSearch(options: SearchSeed, log: (line: string) => void): Promise<string> {
  const name = `lh_bench_search_${options.materials}_${options.pages}`;
  await adminQuery(LOCAL_POSTGRES_ADMIN_URL, `drop database if exists ${name} with (force)`);
  await adminQuery(LOCAL_POSTGRES_ADMIN_URL, `create database ${name}`);
  const url = databaseUrl(LOCAL_POSTGRES_ADMIN_URL, name);
  await runMigrations(url);
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const corpus = new Corpus(options.seed);
  try {
    await sql`
      insert into users (email, name, password_hash)
      select 'uploader' || g || '@example.com', 'Uploader ' || g, 'not-a-hash' from generate_series(1, ${UPLOADERS}) g`;
    await sql`set maintenance_work_mem = '512MB'`;
    // Loaded without indexes, which are built once at the end (as a restore would).
    await sql`drop index materials_search_idx`;
    await sql`drop index material_pages_search_idx`;
    await sql`drop index material_content_vectors_search_idx`;
    await sql`drop index materials_title_trgm_idx`;

    let started = Date.now();
    const materialRows = function* () {
      for (let id = 1; id <= options.materials; id++) {
        const title = id === 4242 ? KNOWN_TITLE : corpus.title();
        const description = corpus.text(120);
        const pdf = id % 10 !== 0;
        const status = id % 20 === 7 ? "hidden" : "active";
        const fields = [
          title,
          description,
          pdf ? "pdf" : "video",
          `materials/${1 + (id % UPLOADERS)}/20240115_083000_${id}.bin`,
          pdf ? "pdf" : "mp4",
          String(1 + (id % UPLOADERS)),
          String(corpus.integer(50)),
          status,
          pdf ? "completed" : "no_text",
          searchDocument(title),
          searchDocument(description),
        ];
        yield `${fields.map(copyField).join("\t")}\n`;
      }
    };
    await sql`create temporary table staged_materials (title text, description text, type material_type,
      file_path text, file_format text, uploader_id int, like_count int, status material_status,
      text_status text_status, title_document text, description_document text)`;
    await copyRows(sql, "copy staged_materials from stdin", materialRows());
    await sql`
      insert into materials (title, description, type, file_path, file_size, file_format, thumbnail_status,
                             uploader_id, like_count, status, text_status, search_vector)
      select title, description, type, file_path, 1000, file_format, 'completed', uploader_id, like_count, status,
             text_status,
             setweight(to_tsvector('english', title_document), 'A') ||
             setweight(to_tsvector('english', description_document), 'B')
        from staged_materials`;
    log(`  materials: ${options.materials} in ${((Date.now() - started) / 1000).toFixed(0)} s`);

    started = Date.now();
    const pdfs = Math.floor(options.materials * 0.9);
    const pagesPerPdf = options.pages / pdfs;
    const pageRows = function* () {
      let written = 0;
      for (let id = 1; id <= options.materials && written < options.pages; id++) {
        if (id % 10 === 0) continue;
        // Spread evenly (rounding carried), so the total is exact.
        const target = Math.min(options.pages, Math.round((id - Math.floor(id / 10)) * pagesPerPdf));
        for (let page = 1; written < target; page++, written++) {
          const text = corpus.text(options.pageCharacters);
          yield `${id}\t${page}\t${copyField(text)}\t${copyField(searchDocument(text))}\n`;
        }
      }
    };
    await sql`create temporary table staged_pages (material_id int, page_number int, text text, document text)`;
    await copyRows(sql, "copy staged_pages from stdin", pageRows());
    log(`  pages generated and copied in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    started = Date.now();
    await sql`
      insert into material_pages (material_id, page_number, text, search_vector)
      select material_id, page_number, text, to_tsvector('english', document) from staged_pages`;
    await sql`drop table staged_pages`;
    log(`  page vectors in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    started = Date.now();
    // What the application's rebuildPageVectors computes per material, in one pass: the union of the page
    // vectors of each run of PAGES_PER_CHUNK pages, without positions.
    await sql`create aggregate pg_temp.tsvector_union(tsvector) (sfunc = tsvector_concat, stype = tsvector)`;
    await sql`
      insert into material_content_vectors (material_id, source, chunk, search_vector)
      select material_id, 'pages', (page_number - 1) / ${PAGES_PER_CHUNK}, strip(pg_temp.tsvector_union(search_vector))
        from material_pages group by 1, 3`;
    log(`  content vectors in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    started = Date.now();
    await sql`create index materials_search_idx on materials using gin (search_vector)`;
    await sql`create index materials_title_trgm_idx on materials using gin (title gin_trgm_ops) where status = 'active'`;
    await sql`create index material_pages_search_idx on material_pages using gin (search_vector)`;
    await sql`create index material_content_vectors_search_idx on material_content_vectors using gin (search_vector)`;
    log(`  indexes in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    await sql`vacuum analyze`;
  } finally {
    await sql.end();
  }
  return url;
}
