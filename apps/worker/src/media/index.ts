export { CJK_FONT_LOCATIONS, hasCjkFontFallback, registerCjkFont } from "./cjk-fonts";
export { type FfmpegBinaries, type LocateFfmpegOptions, locateFfmpeg } from "./ffmpeg-binary";
export { type DecodedImage, decodeImage, isCompleteJpeg, readImageSize } from "./jpeg";
export { MediaError, type MediaErrorCode } from "./media-error";
export { type OpenedPdf, openPdf } from "./pdf-document";
export {
  extractDocumentText,
  extractPdfText,
  normalizePageText,
  type PdfPageText,
  type PdfText,
  type PdfTextLimits,
  type PdfTextOptions,
} from "./pdf-text";
export { type PdfThumbnail, type PdfThumbnailOptions, renderPdfThumbnail } from "./pdf-thumbnail";
export { renderPlaceholder } from "./placeholder";
export {
  chooseSeekSeconds,
  qualityToQscale,
  renderVideoThumbnail,
  type VideoThumbnail,
  type VideoThumbnailOptions,
} from "./video-thumbnail";
