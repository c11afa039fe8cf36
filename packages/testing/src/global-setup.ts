import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runMigrations } from "@learning-hub/db";
import postgres from "postgres";
import S3rver from "s3rver";
import type { TestProject } from "vitest/node";
import "./provided-context";
import { TEMPLATE_DATABASE, TEST_POSTGRES_ADMIN_URL, testDatabaseUrl } from "./constants";

/**
 * Once per run: a migrated template database that each test file clones, and
 * one s3rver that each test file uses with its own bucket.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const admin = postgres(TEST_POSTGRES_ADMIN_URL, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists ${TEMPLATE_DATABASE} with (force)`);
    await admin.unsafe(`create database ${TEMPLATE_DATABASE}`);
  } finally {
    await admin.end();
  }
  await runMigrations(testDatabaseUrl(TEMPLATE_DATABASE));

  const directory = await mkdtemp(join(tmpdir(), "lh-s3rver-"));
  const s3 = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory });
  const { port } = await s3.run();
  project.provide("s3Endpoint", `http://127.0.0.1:${port}`);

  return async () => {
    await s3.close();
    await rm(directory, { recursive: true, force: true });
  };
}
