export { findCjkFonts } from "./cjk-fonts";
export type { Deadline } from "./deadline";
export { type FfmpegBinaries, type LocateFfmpegOptions, locateFfmpeg } from "./ffmpeg-binary";
export { FfmpegProgress } from "./ffmpeg-progress";
export { type DecodedImage, decodeImage, isCompleteJpeg, jpegSize, readImageSize } from "./jpeg";
export { MediaError, type MediaErrorCode } from "./media-error";
export { isMoovBeforeMdat } from "./mp4-layout";
export { type ConvertOptions, OfficeConverter, type OfficeConverterOptions } from "./office-conversion";
export { isZipPackage, LIBREOFFICE_IMPORT_FILTERS, OFFICE_FORMATS, type OfficeFormat } from "./office-formats";
export { DEFAULT_ZIP_LIMITS, inspectOfficePackage, type OfficePackage, type ZipLimits } from "./office-package";
export type { PdfDocument } from "./pdf-document";
export {
  DEFAULT_MAX_PREVIEW_PAGES,
  DEFAULT_PREVIEW_WIDTH,
  type PagePreview,
  type PagePreviewOptions,
  type PdfAssets,
  type PdfAssetsOptions,
  renderPdfAssets,
} from "./pdf-pages";
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
export { pdftoppmVersion } from "./pdftoppm";
export { renderPlaceholder } from "./placeholder";
export { type MediaFacts, probeMedia, type VideoStreamFacts } from "./probe-streams";
export { renderStoryboard, type Storyboard, type StoryboardOptions } from "./storyboard";
export {
  chooseStoryboardInterval,
  type StoryboardCue,
  storyboardCues,
  storyboardTileSize,
  storyboardVtt,
} from "./storyboard-layout";
export { decideVideoPlan, transcodeSize, type VideoFormat, type VideoPlan } from "./video-policy";
export {
  DEFAULT_TRANSCODE_SETTINGS,
  type PreparedVideo,
  type PrepareVideoOptions,
  prepareVideo,
  type TranscodeSettings,
} from "./video-preparation";
export {
  chooseSeekSeconds,
  qualityToQscale,
  renderVideoThumbnail,
  type VideoThumbnail,
  type VideoThumbnailOptions,
} from "./video-thumbnail";
