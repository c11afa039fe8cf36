export { configEnvironment } from "./config-environment";
export { createTestEnvironment, type TestEnvironment, testServices } from "./environment";
export {
  ensureTestMedia,
  LATIN_FONT_FILES,
  TEST_MEDIA_DIR,
  TEST_MEDIA_NAMES,
  type TestMediaName,
  testMediaPath,
} from "./media";
export { type PdfPage, writePdf } from "./pdf-writer";
export { findSamples, type PrometheusSample, parsePrometheus, sampleValue } from "./prometheus";
export { TcpProxy } from "./tcp-proxy";
