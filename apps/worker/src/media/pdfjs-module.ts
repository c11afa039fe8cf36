/// <reference path="./pdfjs-worker.d.ts" />

/**
 * Built-ins as they are before pdfjs-dist is first evaluated. Its legacy build (the one for Node) bundles
 * core-js, which on Node 20 (V8 11) replaces `Array.prototype.push`, `JSON.stringify` and `JSON.parse` for
 * the whole process with JavaScript versions that handle edge cases nothing here relies on (array-likes of
 * 2^32 elements, `JSON.rawJSON`, which it does not even expose): push becomes ~8x and stringify ~6x slower,
 * for pdfjs's own hot loops (fonts, CMaps, operator lists) and for BullMQ, ioredis and pino alike.
 * Read when this module is evaluated, which is before pdfjs is: pdfjs is only ever imported dynamically,
 * by `loadPdfjs` below.
 */
const BUILT_INS = { push: Array.prototype.push, stringify: JSON.stringify, parse: JSON.parse };

/**
 * pdfjs-dist's API, with its parsing side (the "worker", which runs on this thread in Node) loaded up front
 * and the built-ins it replaced put back. Loading is cached by the module system; later calls are cheap.
 */
export async function loadPdfjs(): Promise<typeof import("pdfjs-dist/legacy/build/pdf.mjs")> {
  const [pdfjs, worker] = await Promise.all([
    import("pdfjs-dist/legacy/build/pdf.mjs"),
    import("pdfjs-dist/legacy/build/pdf.worker.mjs"),
  ]);
  // pdfjs's in-thread ("fake") worker takes its message handler from here instead of importing the worker
  // module (and its copy of core-js) on the first document, after the built-ins were put back.
  (globalThis as { pdfjsWorker?: unknown }).pdfjsWorker = worker;
  Array.prototype.push = BUILT_INS.push;
  JSON.stringify = BUILT_INS.stringify;
  JSON.parse = BUILT_INS.parse;
  return pdfjs;
}
