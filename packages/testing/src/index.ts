export { TEST_POSTGRES_ADMIN_URL, TEST_REDIS_URL } from "./constants";
export { createTestEnvironment, type TestEnvironment } from "./environment";
export { TcpProxy } from "./tcp-proxy";
