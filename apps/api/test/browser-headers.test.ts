import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./support/app";
import { registerUser } from "./support/auth";

const APP_ORIGIN = "http://app.example.test";

describe("CORS for a web app on another origin", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { CORS_ORIGINS: `${APP_ORIGIN},http://admin.example.test` } });
  });
  afterAll(() => t.close());

  const preflight = (method: string, url: string, origin = APP_ORIGIN) =>
    t.app.inject({
      method: "OPTIONS",
      url,
      headers: {
        origin,
        "access-control-request-method": method,
        "access-control-request-headers": "authorization,content-type",
      },
    });

  it.each([
    ["DELETE", "/api/v1/materials/1"],
    ["DELETE", "/api/v1/upload/1"],
    ["POST", "/api/v1/upload"],
    ["POST", "/api/v1/materials/1/like"],
    ["GET", "/api/v1/auth/me"],
  ])("a preflight of %s %s allows it with a bearer token, and may be cached", async (method, url) => {
    const response = await preflight(method, url);
    expect(response.statusCode).toBe(204);
    expect(response.headers["access-control-allow-origin"]).toBe(APP_ORIGIN);
    expect(String(response.headers["access-control-allow-methods"]).split(/,\s*/)).toContain(method);
    const allowedHeaders = String(response.headers["access-control-allow-headers"]).toLowerCase();
    expect(allowedHeaders).toContain("authorization");
    expect(allowedHeaders).toContain("content-type");
    expect(response.headers["access-control-max-age"]).toBe("7200");
  });

  it("answers expose the headers a script needs", async () => {
    const response = await t.app.inject({ method: "GET", url: "/api/v1/materials", headers: { origin: APP_ORIGIN } });
    expect(response.statusCode).toBe(200);
    expect(response.headers["access-control-allow-origin"]).toBe(APP_ORIGIN);
    const exposed = String(response.headers["access-control-expose-headers"]).toLowerCase().split(/,\s*/);
    for (const header of ["x-request-id", "retry-after", "x-ratelimit-limit", "x-ratelimit-remaining", "location"]) {
      expect(exposed).toContain(header);
    }
  });

  it("an origin not in CORS_ORIGINS gets no CORS headers", async () => {
    const response = await preflight("DELETE", "/api/v1/materials/1", "http://evil.example.test");
    expect(response.headers["access-control-allow-origin"]).toBeUndefined();
  });
});

describe("response hardening", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { TRUST_PROXY: "loopback" } });
  });
  afterAll(() => t.close());

  it("JSON answers carry nosniff, frame-deny, no-referrer and a CSP that runs nothing; no HSTS over HTTP", async () => {
    for (const url of ["/api/v1/materials", "/api/v1/materials/999999"]) {
      const response = await t.app.inject({ method: "GET", url });
      expect(response.headers["x-content-type-options"]).toBe("nosniff");
      expect(response.headers["x-frame-options"]).toBe("DENY");
      expect(response.headers["referrer-policy"]).toBe("no-referrer");
      expect(response.headers["content-security-policy"]).toBe("default-src 'none';frame-ancestors 'none'");
      expect(response.headers["strict-transport-security"]).toBeUndefined();
      // The rest of helmet's defaults.
      expect(response.headers).toMatchObject({
        "cross-origin-opener-policy": "same-origin",
        "cross-origin-resource-policy": "same-origin",
        "origin-agent-cluster": "?1",
        "x-dns-prefetch-control": "off",
        "x-download-options": "noopen",
        "x-permitted-cross-domain-policies": "none",
        "x-xss-protection": "0",
      });
    }
  });

  it("HSTS when the request came over TLS through a trusted proxy", async () => {
    const response = await t.app.inject({
      method: "GET",
      url: "/health",
      remoteAddress: "127.0.0.1",
      headers: { "x-forwarded-proto": "https" },
    });
    expect(response.headers["strict-transport-security"]).toMatch(/^max-age=31536000/);
  });

  it("token answers are never cached", async () => {
    const user = await registerUser(t.app);
    const login = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: { email: user.email, password: user.password },
    });
    expect(login.headers["cache-control"]).toBe("no-store");
    const refresh = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/refresh",
      payload: { refresh_token: user.refreshToken },
    });
    expect(refresh.statusCode).toBe(200);
    expect(refresh.headers["cache-control"]).toBe("no-store");
  });

  it("/docs is served with its own CSP", async () => {
    const response = await t.app.inject({ method: "GET", url: "/docs/" });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-security-policy"]).toContain("script-src 'self'");
  });
});

describe("DOCS_ENABLED=false", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { DOCS_ENABLED: "false" } });
  });
  afterAll(() => t.close());

  it("serves no /docs", async () => {
    for (const url of ["/docs", "/docs/"]) {
      const response = await t.app.inject({ method: "GET", url });
      expect(response.statusCode, url).toBe(404);
      expect(response.json().error.code).toBe("NOT_FOUND");
    }
  });
});
