import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runMigrations } from "@learning-hub/db";
import S3rver from "s3rver";
import type { TestProject } from "vitest/node";
import "./provided-context";
import { adminQuery, databaseUrl, TEMPLATE_DATABASE_PREFIX } from "./constants";
import { ensureTestMedia } from "./media";
import { startTestServices, type TestServices } from "./test-services";

/**
 * Once per run: PostgreSQL and Redis (those of DATABASE_URL / REDIS_URL, or private ones started for the
 * run), a migrated template database that each test file clones, one s3rver that each test file uses with
 * its own bucket, and the test media files (made if missing).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const media = ensureTestMedia();
  media.catch(() => undefined); // Awaited below, after the services.
  const services = await startTestServices();
  try {
    return await prepare(project, services, media);
  } catch (error) {
    await services.stop();
    throw error;
  }
}

async function prepare(project: TestProject, services: TestServices, media: Promise<unknown>) {
  const { postgresAdminUrl } = services;
  // One template per run, so runs started side by side never drop each other's.
  const template = `${TEMPLATE_DATABASE_PREFIX}${randomBytes(4).toString("hex")}`;
  project.provide("postgresAdminUrl", postgresAdminUrl);
  project.provide("redisUrl", services.redisUrl);
  await adminQuery(postgresAdminUrl, `create database ${template}`);
  await runMigrations(databaseUrl(postgresAdminUrl, template));
  project.provide("templateDatabase", template);

  const directory = await mkdtemp(join(tmpdir(), "lh-s3rver-"));
  const s3 = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory });
  const { port } = await s3.run();
  project.provide("s3Endpoint", `http://127.0.0.1:${port}`);
  await media;

  return async () => {
    await adminQuery(postgresAdminUrl, `drop database if exists ${template} with (force)`);
    await s3.close();
    await rm(directory, { recursive: true, force: true });
    await services.stop();
  };
}
