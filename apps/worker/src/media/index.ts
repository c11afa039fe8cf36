export { hasCjkFontFallback } from "./cjk-fonts";
export { type FfmpegBinaries, type LocateFfmpegOptions, locateFfmpeg } from "./ffmpeg-binary";
export { type DecodedImage, decodeImage, isCompleteJpeg, readImageSize } from "./jpeg";
export { MediaError, type MediaErrorCode } from "./media-error";
export { type ConvertOptions, OfficeConverter, type OfficeConverterOptions } from "./office-conversion";
export { isZipPackage, LIBREOFFICE_IMPORT_FILTERS, OFFICE_FORMATS, type OfficeFormat } from "./office-formats";
export { DEFAULT_ZIP_LIMITS, inspectOfficePackage, type OfficePackage, type ZipLimits } from "./office-package";
export { type PdfThumbnail, type PdfThumbnailOptions, renderPdfThumbnail } from "./pdf-thumbnail";
export { renderPlaceholder } from "./placeholder";
export {
  chooseSeekSeconds,
  qualityToQscale,
  renderVideoThumbnail,
  type VideoThumbnail,
  type VideoThumbnailOptions,
} from "./video-thumbnail";
