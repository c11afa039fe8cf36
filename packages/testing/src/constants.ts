/** Local services the test suite talks to; CI starts them (see .ci/run). */
export const TEST_POSTGRES_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres";
export const TEST_REDIS_URL = "redis://127.0.0.1:6379";
export const TEMPLATE_DATABASE = "lh_test_template";

export const testDatabaseUrl = (name: string): string => `postgres://postgres@127.0.0.1:5432/${name}`;
