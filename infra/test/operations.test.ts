import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { EnvSchema } from "../../packages/config/src/schema";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SHUTDOWN_SECONDS = EnvSchema.properties.SHUTDOWN_TIMEOUT_SECONDS.default;

interface ComposeService {
  command?: string[] | string;
  environment?: Record<string, string>;
  stop_grace_period?: string;
  logging?: { driver?: string; options?: Record<string, string> };
  deploy?: { resources?: { limits?: { cpus?: string; memory?: string } } };
}

/** docker-compose.yml as written (anchors and merge keys resolved, variables not interpolated). */
const compose = parseYaml(readFileSync(`${ROOT}docker-compose.yml`, "utf8"), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const services = compose.services;

/** "1m30s", "30s", "500ms" -> seconds. */
function durationSeconds(duration: string): number {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
  const parts = [...duration.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (parts.length === 0) throw new Error(`not a duration: ${duration}`);
  return parts.reduce((sum, [, value, unit]) => sum + Number(value) * (units[unit ?? "s"] ?? 0), 0);
}

/** The bucket policy minio-init writes with printf, for `bucket`. */
function appPolicy(bucket: string): { Statement: Array<{ Effect: string; Action: string[]; Resource: string[] }> } {
  const script = [services["minio-init"]?.command ?? []].flat().join("\n");
  const format = /printf '(\{.*?\})'/.exec(script)?.[1];
  if (!format) throw new Error("minio-init writes no policy with printf");
  return JSON.parse(format.replaceAll("%s", bucket));
}

describe("docker-compose.yml for operators", () => {
  it("rotates every service's log (json-file with max-size and max-file)", () => {
    for (const [name, service] of Object.entries(services)) {
      expect(service.logging?.driver, name).toBe("json-file");
      expect(service.logging?.options?.["max-size"], name).toMatch(/^\d+[kmg]$/);
      expect(Number(service.logging?.options?.["max-file"]), name).toBeGreaterThanOrEqual(2);
    }
  });

  it("limits every service's memory and CPU", () => {
    for (const [name, service] of Object.entries(services)) {
      const limits = service.deploy?.resources?.limits;
      expect(limits?.memory, name).toMatch(/^\d+[kmg]$/);
      expect(Number(limits?.cpus), name).toBeGreaterThan(0);
    }
  });

  it("gives the API and the workers longer to stop than their shutdown bound", () => {
    for (const name of ["api", "worker"]) {
      const grace = services[name]?.stop_grace_period;
      expect(grace, name).toBeDefined();
      expect(durationSeconds(grace ?? "0s"), name).toBeGreaterThan(SHUTDOWN_SECONDS + 5);
    }
  });

  it("connects the apps to MinIO as their own user, never as root", () => {
    for (const name of ["api", "worker"]) {
      const environment = services[name]?.environment ?? {};
      expect(environment.S3_ACCESS_KEY, name).toMatch(/^\$\{S3_ACCESS_KEY[:}]/);
      expect(environment.S3_SECRET_KEY, name).toMatch(/^\$\{S3_SECRET_KEY:\?/);
      expect(JSON.stringify(environment), name).not.toContain("MINIO_ROOT");
    }
  });

  it("has minio-init create that user with a policy reaching the bucket only", () => {
    const script = [services["minio-init"]?.command ?? []].flat().join("\n");
    expect(script).toContain('mc admin user add hub "$$S3_ACCESS_KEY" "$$S3_SECRET_KEY"');
    expect(script).toMatch(/mc admin policy create hub learning-hub-app \S+/);
    expect(script).toContain('mc admin policy attach hub learning-hub-app --user "$$S3_ACCESS_KEY"');

    const policy = appPolicy("materials");
    expect(policy.Statement.length).toBeGreaterThan(0);
    for (const statement of policy.Statement) {
      expect(statement.Effect).toBe("Allow");
      for (const resource of statement.Resource) {
        expect(["arn:aws:s3:::materials", "arn:aws:s3:::materials/*"]).toContain(resource);
      }
      for (const action of statement.Action) expect(action).toMatch(/^s3:[A-Za-z]+$/);
    }
    const actions = policy.Statement.flatMap((statement) => statement.Action);
    // What the apps do: upload (multipart), read, delete, list for the cleanup, check the bucket at start.
    expect(actions).toEqual(
      expect.arrayContaining([
        "s3:PutObject",
        "s3:GetObject",
        "s3:DeleteObject",
        "s3:ListBucket",
        "s3:AbortMultipartUpload",
      ]),
    );
  });
});

/** A Dockerfile's instructions, continuation lines joined, comments dropped, split into stages. */
function dockerfileStages(file: string): string[][] {
  const text = readFileSync(`${ROOT}infra/docker/${file}`, "utf8");
  const instructions = text
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("#"))
    .join("\n")
    .replace(/\\\n\s*/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  const stages: string[][] = [];
  for (const instruction of instructions) {
    if (instruction.startsWith("FROM ")) stages.push([]);
    stages.at(-1)?.push(instruction);
  }
  return stages;
}

describe.each(["api.Dockerfile", "worker.Dockerfile"])("infra/docker/%s", (file) => {
  const stages = dockerfileStages(file);

  it("mounts the pnpm store as a build cache in every step that reads it", () => {
    const build = stages[0] ?? [];
    const storeDir = /pnpm config set store-dir (\S+)/.exec(build.join("\n"))?.[1];
    expect(storeDir).toBeDefined();
    const storeSteps = build.filter((step) => /^RUN .*\bpnpm (fetch|install|.*\bdeploy)\b/.test(step));
    expect(storeSteps.length).toBe(3);
    for (const step of storeSteps) expect(step).toContain(`--mount=type=cache,id=pnpm-store,target=${storeDir}`);
  });

  it("labels the runtime image with OCI annotations", () => {
    const runtime = (stages.at(-1) ?? []).join("\n");
    for (const key of ["title", "description", "version"]) {
      expect(runtime).toMatch(new RegExp(`org\\.opencontainers\\.image\\.${key}="[^"]+"`));
    }
  });
});
