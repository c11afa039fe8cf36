export { configEnvironment } from "./config-environment";
export { TEST_POSTGRES_ADMIN_URL, TEST_REDIS_URL } from "./constants";
export { createTestEnvironment, type TestEnvironment } from "./environment";
export {
  ensureTestMedia,
  LATIN_FONT_FILES,
  TEST_MEDIA_DIR,
  TEST_MEDIA_NAMES,
  type TestMediaName,
  testMediaPath,
} from "./media";
export { findSamples, type PrometheusSample, parsePrometheus, sampleValue } from "./prometheus";
export { TcpProxy } from "./tcp-proxy";
