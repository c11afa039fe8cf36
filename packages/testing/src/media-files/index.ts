/** Test media generated at test time: office documents (LibreOffice), videos (ffmpeg), PDFs and zips (by hand). */

export { encryptedPdf } from "./encrypted-pdf";
export { macroDocument } from "./macro-document";
export { flatPresentation, flatText, pdfPageCount, saveWithLibreOffice } from "./office-documents";
export { multiPagePdf } from "./pdf-writer";
export { generateVideo, streamCodecs, type VideoSpec, videoStreamHash } from "./video-files";
export { writeZip, type ZipEntrySpec } from "./zip-writer";
