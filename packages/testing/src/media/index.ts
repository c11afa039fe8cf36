export { LATIN_FONT_FILES } from "./pdfs";
export { ensureTestMedia, TEST_MEDIA_DIR, TEST_MEDIA_NAMES, type TestMediaName, testMediaPath } from "./test-media";
