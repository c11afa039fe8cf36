export { configEnvironment } from "./config-environment";
export { TEST_POSTGRES_ADMIN_URL, TEST_REDIS_URL } from "./constants";
export { createTestEnvironment, type TestEnvironment } from "./environment";
export { type PdfPage, writePdf } from "./pdf-writer";
export { findSamples, type PrometheusSample, parsePrometheus, sampleValue } from "./prometheus";
export { TcpProxy } from "./tcp-proxy";
