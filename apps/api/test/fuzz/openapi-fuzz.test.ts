import { writePdf } from "@learning-hub/testing";
import fc from "fast-check";
import type { InjectOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app";
import { bearer, makeAdmin, registerUser } from "../support/auth";
import { insertMaterial } from "../support/materials";
import { fixture, multipartForm } from "../support/multipart";
import { type InProcessWorker, startWorker } from "../support/worker";

/*
 * Property-based fuzzing driven by the OpenAPI document: every operation gets
 * valid and malformed parameters, bodies, content types and credentials, and
 * every answer must be below 500, in the envelope when not 2xx, with a status
 * (and error code) the document declares for that operation.
 */

const SEED = 20_261_130;
const RUNS = 2_500;

interface JsonSchema {
  type?: string;
  enum?: unknown[];
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  $ref?: string;
}

interface Operation {
  method: string;
  path: string;
  parameters: { name: string; in: "path" | "query"; schema: JsonSchema }[];
  body?: { contentType: string; schema: JsonSchema };
  responses: Record<string, { content?: Record<string, { schema: { $ref: string } }> }>;
}

type Role = "user" | "admin";

interface Outcome {
  request: string;
  status: number;
  body: string;
}

/** Strings that have broken APIs before: NULs, controls, huge numbers, encodings, injections, sizes. */
const HOSTILE_STRINGS = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\u0007\u001b[31m",
  "\ud800",
  "99999999999999999999",
  "-99999999999999999999",
  "2147483648",
  "-1",
  "0",
  "1e309",
  "NaN",
  "1.5",
  "0x10",
  " 1",
  "%00",
  "%",
  "null",
  "true",
  "[]",
  "{}",
  "' OR 1=1 --",
  "<script>alert(1)</script>",
  "../../etc/passwd",
  "😀".repeat(50),
  "x".repeat(5_000),
];

const hostileString = fc.constantFrom(...HOSTILE_STRINGS);

/** A value the schema accepts. */
function validValue(schema: JsonSchema): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case "integer":
      return fc.integer({ min: schema.minimum ?? -1_000, max: Math.min(schema.maximum ?? 1_000, 2_147_483_647) });
    case "number":
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case "boolean":
      return fc.boolean();
    case "string":
      if (schema.format === "email") return fc.emailAddress();
      return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 40) });
    default:
      return fc.constant("value");
  }
}

/** A value the schema may or may not accept: valid ones most of the time, then hostile and random ones. */
const anyValue = (schema: JsonSchema): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 4, arbitrary: validValue(schema) },
    { weight: 2, arbitrary: hostileString },
    { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
    { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null)) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  );

/** A path or query value as sent: mostly URL-encoded, sometimes raw (broken or odd escapes that stay in their segment). */
const urlValue = (schema: JsonSchema): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 5, arbitrary: anyValue(schema).map((value) => urlEncode(textOf(value))) },
    { weight: 1, arbitrary: fc.constantFrom("%", "%zz", "%00", "%2F", "%E0%A4%A", "%C0%AF") },
  );

/** Percent-encodes; a lone surrogate (which `encodeURIComponent` refuses) is sent as the bytes of one. */
function urlEncode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return "%ED%A0%80";
  }
}

const textOf = (value: unknown): string => (typeof value === "string" ? value : (JSON.stringify(value) ?? ""));

function resolve(schema: JsonSchema, components: Record<string, JsonSchema>): JsonSchema {
  return schema.$ref ? (components[schema.$ref.split("/").pop() ?? ""] ?? schema) : schema;
}

/** A JSON body for the schema: its fields valid, hostile, missing or extra; or no object at all. */
function jsonBody(schema: JsonSchema | undefined): fc.Arbitrary<string | undefined> {
  const properties = Object.entries(schema?.properties ?? {});
  const object = fc
    .record(
      Object.fromEntries(
        properties.map(([name, property]) => [name, fc.option(anyValue(property), { nil: undefined })]),
      ),
    )
    .chain((fields) =>
      fc
        .option(fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 }), {
          nil: undefined,
        })
        .map((extra) => JSON.stringify({ ...extra, ...fields })),
    );
  const malformed = fc.constantFrom(
    undefined,
    "",
    "{",
    "{'a':1}",
    "null",
    "[]",
    '"text"',
    "1e99999",
    '{"__proto__":{"admin":true}}',
    '{"constructor":{"prototype":{"x":1}}}',
    `${"[".repeat(5_000)}${"]".repeat(5_000)}`,
    "\u0000",
  );
  return fc.oneof(
    { weight: 5, arbitrary: object },
    { weight: 2, arbitrary: malformed },
    { weight: 1, arbitrary: fc.json({ maxDepth: 3 }) },
  );
}

const CONTENT_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "application/json; charset=latin1",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data",
  "multipart/form-data; boundary=",
  "application/octet-stream",
  "*/*",
  "nonsense",
];

describe("OpenAPI-driven fuzzing", () => {
  let t: TestApp;
  let worker: InProcessWorker;
  let operations: Operation[];
  let components: Record<string, JsonSchema>;
  let authorizations: (string | undefined)[];
  /** The live sessions of the fuzzed user and admin, renewed whenever a fuzzed request ends one. */
  const sessions = new Map<Role, { email: string; password: string; accessToken: string }>();
  let uploadBodies: { headers: Record<string, string>; payload: Buffer }[];

  beforeAll(async () => {
    t = await createTestApp();
    worker = await startWorker(t, { reconcile: false });
    const user = await registerUser(t.app);
    const admin = await registerUser(t.app);
    await makeAdmin(t, admin.id);
    // Rows the valid ids find: one of the user's, one of the admin's.
    const ids: number[] = [];
    for (const uploaderId of [user.id, admin.id]) {
      ids.push((await insertMaterial(t.env.database.db, { uploaderId })).id);
    }
    const [header, payload] = user.accessToken.split(".");
    sessions.set("user", user);
    sessions.set("admin", admin);
    authorizations = [
      undefined,
      "Bearer",
      "Bearer not-a-token",
      `Bearer ${header}.${payload}.forged-signature`,
      `Bearer ${user.refreshToken}`,
      `Basic ${Buffer.from("a:b").toString("base64")}`,
      `bearer   ${admin.accessToken}   `,
      `Bearer ${"x".repeat(10_000)}`,
    ];

    const doc = (await t.app.inject({ method: "GET", url: "/openapi.json" })).json();
    components = doc.components.schemas;
    operations = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]): Operation => {
        const {
          parameters = [],
          requestBody,
          responses,
        } = operation as {
          parameters?: Operation["parameters"];
          requestBody?: { content: Record<string, { schema: JsonSchema }> };
          responses: Operation["responses"];
        };
        const [contentType, media] = Object.entries(requestBody?.content ?? {})[0] ?? [];
        return {
          method: method.toUpperCase(),
          path,
          parameters: parameters.map((p) => ({
            ...p,
            schema: { ...p.schema, enum: p.schema.enum ?? enumOf(p.name, ids) },
          })),
          body: contentType && media ? { contentType, schema: resolve(media.schema, components) } : undefined,
          responses,
        };
      }),
    );
    uploadBodies = await uploadVariants();
  }, 120_000);

  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  function authorizationHeader(credential: { role: Role } | { header: string | undefined }): Record<string, string> {
    const header = "role" in credential ? `Bearer ${sessions.get(credential.role)?.accessToken}` : credential.header;
    return header ? { authorization: header } : {};
  }

  /** A fuzzed logout or refresh ended a session: log in again, so valid tokens stay valid. */
  async function renewSessions(): Promise<void> {
    for (const [role, session] of sessions) {
      const me = await t.app.inject({ method: "GET", url: "/api/v1/auth/me", headers: bearer(session.accessToken) });
      if (me.statusCode === 200) continue;
      const login = await t.app.inject({
        method: "POST",
        url: "/api/v1/auth/login",
        payload: { email: session.email, password: session.password },
      });
      sessions.set(role, { ...session, accessToken: login.json().access_token });
    }
  }

  /** Known ids make most valid requests reach real rows. */
  function enumOf(name: string, ids: number[]): unknown[] | undefined {
    return name === "material_id" ? [...ids, 999_999] : undefined;
  }

  async function uploadVariants() {
    const pdf = writePdf([["Hello"]]);
    const mp4 = fixture("sample-720p.mp4");
    const forms = [
      [
        { name: "title", value: "Fuzzed notes" },
        { name: "file", filename: "notes.pdf", content: pdf },
      ],
      [
        { name: "title", value: "Fuzzed video" },
        { name: "description", value: "tab\tand\nline" },
        { name: "file", filename: "clip.mp4", content: mp4 },
      ],
      [{ name: "file", filename: "notes.pdf", content: pdf }],
      [{ name: "title", value: "No file" }],
      [
        { name: "title", value: "NUL\u0000title" },
        { name: "file", filename: "notes.pdf", content: pdf },
      ],
      [
        { name: "title", value: "ok" },
        { name: "description", value: "NUL\u0000description" },
        { name: "file", filename: "notes.pdf", content: pdf },
      ],
      [
        { name: "title", value: "Wrong extension" },
        { name: "file", filename: "notes.mp4", content: pdf },
      ],
      [
        { name: "title", value: "Not media" },
        { name: "file", filename: "notes.pdf", content: Buffer.from("just text") },
      ],
      [
        { name: "title", value: "Two files" },
        { name: "file", filename: "a.pdf", content: pdf },
        { name: "file", filename: "b.pdf", content: pdf },
      ],
      [
        { name: "title", value: "x".repeat(300) },
        { name: "file", filename: "notes.pdf", content: pdf },
      ],
    ];
    const bodies = await Promise.all(
      forms.map(async (parts) => {
        const form = multipartForm(parts);
        return { headers: form.headers, payload: await form.buffer() };
      }),
    );
    const raw = (contentType: string, text: string) => ({
      headers: { "content-type": contentType },
      payload: Buffer.from(text),
    });
    return [
      ...bodies,
      raw("multipart/form-data; boundary=abc", "--abc\r\nno disposition here\r\n\r\nbody\r\n--abc--\r\n"),
      raw(
        "multipart/form-data; boundary=abc",
        '--abc\r\nContent-Disposition: form-data; name="title"\r\n\r\nunterminated',
      ),
      raw("multipart/form-data", "no boundary"),
      raw("application/json", '{"title":"json upload"}'),
      raw("text/plain", "plain"),
    ];
  }

  function requestFor(operation: Operation): fc.Arbitrary<InjectOptions> {
    const pathValues = fc.record(
      Object.fromEntries(
        operation.parameters.filter((p) => p.in === "path").map((p) => [p.name, urlValue(p.schema)] as const),
      ),
    );
    const query = fc
      .tuple(
        ...operation.parameters
          .filter((p) => p.in === "query")
          .map((p) =>
            fc.option(
              fc
                .array(urlValue(p.schema), { minLength: 1, maxLength: 2 })
                .map((values) => values.map((v) => `${p.name}=${v}`)),
              { nil: undefined },
            ),
          ),
      )
      .map((pairs) => pairs.flatMap((pair) => pair ?? []));
    const extraQuery = fc.option(fc.constantFrom("unknown=1", "page[]=1", "=", "&&", "a=%"), { nil: undefined });
    const body =
      operation.body?.contentType === "multipart/form-data"
        ? fc.constantFrom(...uploadBodies)
        : jsonBody(operation.body?.schema).chain((payload) =>
            fc
              .oneof(
                { weight: 4, arbitrary: fc.constant("application/json") },
                { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
              )
              .map((contentType) =>
                payload === undefined
                  ? { headers: {} as Record<string, string>, payload: undefined }
                  : { headers: { "content-type": contentType }, payload: Buffer.from(payload) },
              ),
          );
    const sendsBody = operation.body ? fc.constant(true) : fc.integer({ min: 0, max: 4 }).map((n) => n === 0);
    return fc
      .record({
        pathValues,
        query,
        extraQuery,
        body,
        sendsBody,
        authorization: fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom<Role>("user", "admin").map((role) => ({ role })) },
          { weight: 2, arbitrary: fc.constantFrom(...authorizations).map((header) => ({ header })) },
        ),
        requestId: fc.option(fc.constantFrom("fuzz-1", "x".repeat(300), "bad id!", ""), { nil: undefined }),
        accept: fc.option(fc.constantFrom("application/json", "text/html", "*/*", "application/xml"), {
          nil: undefined,
        }),
      })
      .map(({ pathValues, query, extraQuery, body, sendsBody, authorization, requestId, accept }) => {
        const path = operation.path.replace(/\{(\w+)\}/g, (_match, name: string) => pathValues[name] ?? "1");
        const search = [...query, ...(extraQuery ? [extraQuery] : [])].join("&");
        const headers: Record<string, string> = {
          ...authorizationHeader(authorization),
          ...(requestId !== undefined ? { "x-request-id": requestId } : {}),
          ...(accept ? { accept } : {}),
          ...(sendsBody ? body.headers : {}),
        };
        return {
          method: operation.method as InjectOptions["method"],
          url: search ? `${path}?${search}` : path,
          headers,
          ...(sendsBody && body.payload !== undefined ? { payload: body.payload } : {}),
        };
      });
  }

  /** Requests to no operation: unknown paths and methods must still answer in the envelope (404/405/400/414). */
  const strayRequest: fc.Arbitrary<InjectOptions> = fc
    .record({
      method: fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE"),
      path: fc.constantFrom(
        "/api/v1/nothing",
        "/api/v1/materials/1/2/3",
        "/api/v1/auth",
        "/",
        "/api/v1/materials",
        "/api/v1/upload/status",
      ),
      suffix: fc.constantFrom("", "/", "%", "%zz", `/${"x".repeat(1_000)}`),
    })
    .map(({ method, path, suffix }) => ({ method, url: `${path}${suffix}` }));

  function declared(operation: Operation, status: number, code: unknown): string | undefined {
    const response = operation.responses[String(status)];
    if (!response) return `status ${status} is not declared`;
    if (status < 400) return undefined;
    const ref = response.content?.["application/json"]?.schema.$ref ?? "";
    const codes = (components[ref.split("/").pop() ?? ""]?.properties?.error?.properties?.code?.enum ??
      []) as unknown[];
    return codes.includes(code) ? undefined : `code ${String(code)} is not declared for ${status}`;
  }

  it(`answers ${RUNS} fuzzed requests below 500, in the envelope, with declared statuses and codes`, async () => {
    const figures = { requests: 0, serverErrors: 0, outsideEnvelope: 0, undeclared: 0 };
    const problems: (Outcome & { problem: string })[] = [];
    const statuses: Record<number, number> = {};
    const target = fc.oneof(
      {
        weight: 12,
        arbitrary: fc.constantFrom(...operations).chain((op) => requestFor(op).map((request) => ({ op, request }))),
      },
      { weight: 1, arbitrary: strayRequest.map((request) => ({ op: undefined, request })) },
    );
    await fc.assert(
      fc.asyncProperty(target, async ({ op, request }) => {
        const res = await t.app.inject(request);
        figures.requests += 1;
        statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
        const outcome = {
          request: `${request.method} ${String(request.url).slice(0, 200)}`,
          status: res.statusCode,
          body: res.body.slice(0, 300),
        };
        // A HEAD answer has no body (RFC 9110), so it carries no envelope nor code to check.
        const bodyless = request.method === "HEAD";
        const envelope = res.statusCode >= 400 ? parseEnvelope(res.body) : undefined;
        if (res.statusCode >= 500) {
          figures.serverErrors += 1;
          problems.push({ ...outcome, problem: "5xx" });
        }
        if (res.statusCode >= 400 && !envelope && !bodyless) {
          figures.outsideEnvelope += 1;
          problems.push({ ...outcome, problem: "not in the envelope" });
        }
        const undeclared = op && !bodyless ? declared(op, res.statusCode, envelope?.code) : undefined;
        if (undeclared) {
          figures.undeclared += 1;
          problems.push({ ...outcome, problem: undeclared });
        }
        if (String(request.url).startsWith("/api/v1/auth/")) await renewSessions();
        if (res.statusCode >= 400 && !res.headers["x-request-id"])
          problems.push({ ...outcome, problem: "no x-request-id" });
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    process.stdout.write(
      `OpenAPI fuzz (seed ${SEED}): ${JSON.stringify(figures)}, statuses ${JSON.stringify(statuses)}\n`,
    );
    // Some requests must get past validation and guards, or the fuzzer tests nothing but those.
    expect(Object.entries(statuses).filter(([status]) => Number(status) < 300).length).toBeGreaterThan(0);
    expect(problems.slice(0, 15)).toEqual([]);
    expect(figures).toEqual({ requests: RUNS, serverErrors: 0, outsideEnvelope: 0, undeclared: 0 });
  }, 600_000);
});

/** The envelope's error, or `undefined` when the body is not `{"error":{"code","message","details"}}`. */
function parseEnvelope(body: string): { code: string } | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== "object" || parsed === null || !("error" in parsed)) return undefined;
    const { error } = parsed;
    if (typeof error !== "object" || error === null) return undefined;
    if (!("code" in error && "message" in error && "details" in error)) return undefined;
    const { code, message, details } = error;
    if (typeof code !== "string" || typeof message !== "string") return undefined;
    if (typeof details !== "object" || details === null || Array.isArray(details)) return undefined;
    return { code };
  } catch {
    return undefined;
  }
}

describe("numbers Ajv lets through", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  // Found by the fuzzer: Ajv coerces these to Infinity, an "integer" beyond its range checks (500 from PostgreSQL).
  it.each([
    ["GET", "/api/v1/materials/Infinity", "material_id"],
    ["GET", "/api/v1/materials/1e309", "material_id"],
    ["GET", "/api/v1/materials?page=Infinity", "page"],
    ["GET", "/api/v1/materials?page_size=-1e309", "page_size"],
  ])("%s %s is 400 naming %s", async (method, url, field) => {
    const res = await t.app.inject({ method: method as "GET", url });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: "VALIDATION_ERROR", details: { fields: [{ field }] } });
  });
});
