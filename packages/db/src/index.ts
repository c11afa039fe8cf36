export { createDatabase, type Database, type DatabaseHandle, type DatabaseOptions } from "./client";
export { DEFAULT_MIGRATIONS_FOLDER, runMigrations } from "./migrate";
export * as schema from "./schema";
export * from "./schema";
