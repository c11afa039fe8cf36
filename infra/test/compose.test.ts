import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { EnvSchema } from "../../packages/config/src/schema";
import { composeSchemaErrors, InterpolationError, loadComposeFile, parseEnvFile } from "./support/compose-file";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The secrets docker-compose.yml demands with `${VAR:?…}`, filled with throwaway values. */
const SECRETS = {
  POSTGRES_PASSWORD: "test-postgres-password",
  MINIO_ROOT_PASSWORD: "test-minio-password",
  S3_SECRET_KEY: "test-app-secret-key",
  JWT_SECRET: "test-jwt-secret-of-at-least-32-characters",
};

/** The repository's compose file as Compose resolves it, `.env.example` read as the operator's `.env`. */
function resolvedCompose(env: Record<string, string>): Record<string, unknown> {
  const envFile = parseEnvFile(readFileSync(`${ROOT}.env.example`, "utf8"));
  return loadComposeFile(`${ROOT}docker-compose.yml`, { ...envFile, ...env });
}

/** Whether a `docker-compose` binary is installed; a fresh machine has none, and the checks above need none. */
const hasDockerCompose = spawnSync("docker-compose", ["version"], { encoding: "utf8" }).status === 0;

/**
 * Runs docker-compose (`config` needs no Docker engine) on the repository's compose file, reading
 * `.env.example` as the operator's `.env` and nothing from the caller's environment.
 */
function composeConfig(env: Record<string, string>, ...args: string[]) {
  return spawnSync(
    "docker-compose",
    [
      "--project-directory",
      ROOT,
      "--env-file",
      `${ROOT}.env.example`,
      "-f",
      `${ROOT}docker-compose.yml`,
      "config",
      ...args,
    ],
    { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", ...env }, encoding: "utf8" },
  );
}

interface ComposeService {
  healthcheck?: { test?: string[] | string; disable?: boolean };
  /** Short syntax ("8000:8000") in the file; docker-compose config prints the long one. */
  ports?: Array<string | { published?: number | string; target: number }>;
  expose?: string[];
  container_name?: string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
}

function resolvedServices(): Record<string, ComposeService> {
  return (resolvedCompose(SECRETS) as { services: Record<string, ComposeService> }).services;
}

/** `published->target` of a port entry in either syntax. */
function portMapping(port: string | { published?: number | string; target: number }): string {
  if (typeof port !== "string") return `${port.published}->${port.target}`;
  const [published, target] = port.split(":").slice(-2);
  return `${published}->${target}`;
}

/** Service names in the table of the README's "Production" section (first cell, in backticks). */
function servicesNamedInReadme(): string[] {
  const readme = readFileSync(`${ROOT}README.md`, "utf8");
  const production = readme.split(/^## /m).find((section) => section.startsWith("Production"));
  if (!production) throw new Error('README.md has no "## Production" section');
  return [...production.matchAll(/^\|\s*`([a-z0-9-]+)`\s*\|/gm)].map((m) => m[1] as string);
}

describe("docker-compose.yml", () => {
  it("follows the Compose Specification's schema once the secrets are set", () => {
    expect(composeSchemaErrors(resolvedCompose(SECRETS))).toEqual([]);
  });

  it("is caught by the schema check when it breaks the specification", () => {
    const broken = resolvedCompose(SECRETS) as { services: Record<string, Record<string, unknown>> };
    broken.services.api = { ...broken.services.api, restart_policy: "always", ports: "8000:8000" };
    expect(composeSchemaErrors(broken).join("\n")).toMatch(/restart_policy|must be array/);
  });

  it.each(Object.keys(SECRETS))("refuses to render without %s", (name) => {
    expect(() => resolvedCompose({ ...SECRETS, [name]: "" })).toThrow(InterpolationError);
    expect(() => resolvedCompose({ ...SECRETS, [name]: "" })).toThrow(`set ${name} in .env`);
  });

  it.skipIf(!hasDockerCompose)("validates with docker-compose config -q once the secrets are set", () => {
    const result = composeConfig(SECRETS, "-q");
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it.skipIf(!hasDockerCompose).each(Object.keys(SECRETS))("docker-compose refuses to render without %s", (name) => {
    const result = composeConfig({ ...SECRETS, [name]: "" }, "-q");
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(`set ${name} in .env`);
  });

  it("has every service the README names, each with a health check", () => {
    const named = servicesNamedInReadme();
    expect(named).toEqual(expect.arrayContaining(["postgres", "redis", "minio", "api", "worker"]));
    const services = resolvedServices();
    for (const name of named) {
      const test = services[name]?.healthcheck?.test;
      expect(test, `${name} health check`).toBeDefined();
      expect(test).not.toEqual(["NONE"]);
    }
  });

  it("starts the API and the workers after healthy data services and an initialised bucket", () => {
    const services = resolvedServices();
    for (const name of ["api", "worker"]) {
      expect(services[name]?.depends_on).toEqual({
        postgres: { condition: "service_healthy" },
        redis: { condition: "service_healthy" },
        "minio-init": { condition: "service_completed_successfully" },
      });
    }
  });

  it("publishes only the API and MinIO, so `--scale worker=N` works and metrics stay internal", () => {
    const services = resolvedServices();
    const published = Object.entries(services).flatMap(([name, s]) =>
      (s.ports ?? []).map((port) => `${name}:${portMapping(port)}`),
    );
    expect(published.sort()).toEqual(["api:8000->8000", "minio:9000->9000"]);
    expect(services.worker?.container_name).toBeUndefined();
    expect(services.api?.expose).toEqual(["9464"]);
    expect(services.worker?.expose).toEqual(["9465"]);
  });

  it("passes the services only variables packages/config knows", () => {
    const known = new Set(Object.keys(EnvSchema.properties));
    const services = resolvedServices();
    for (const name of ["api", "worker"]) {
      const unknown = Object.keys(services[name]?.environment ?? {}).filter((k) => !known.has(k));
      expect(unknown, name).toEqual([]);
    }
  });
});

describe(".env.example", () => {
  it("documents every variable of packages/config", () => {
    const example = readFileSync(`${ROOT}.env.example`, "utf8");
    const missing = Object.keys(EnvSchema.properties).filter(
      (name) => !new RegExp(`^(# )?${name}=`, "m").test(example),
    );
    expect(missing).toEqual([]);
  });
});
