/** pdfjs-dist ships no types for its worker module; `loadPdfjs` only hands it to pdfjs's fake worker. */
declare module "pdfjs-dist/legacy/build/pdf.worker.mjs" {
  export const WorkerMessageHandler: unknown;
}
