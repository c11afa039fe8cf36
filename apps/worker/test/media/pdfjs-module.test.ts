import { expect, it } from "vitest";
import { loadPdfjs } from "../../src/media/pdfjs-module";

it("leaves Array.prototype.push and JSON as they were before pdfjs-dist was loaded", async () => {
  const before = { push: Array.prototype.push, stringify: JSON.stringify, parse: JSON.parse };
  const pdfjs = await loadPdfjs();
  expect(typeof pdfjs.getDocument).toBe("function");
  // core-js in pdfjs's legacy build replaces all three on Node 20; see pdfjs-module.ts.
  expect(Array.prototype.push).toBe(before.push);
  expect(JSON.stringify).toBe(before.stringify);
  expect(JSON.parse).toBe(before.parse);
});
