/** Office formats the worker converts to PDF; also the upload's extension and the row's `file_format`. */
export type OfficeFormat = "pptx" | "ppt" | "odp" | "docx" | "doc" | "odt";

export const OFFICE_FORMATS: readonly OfficeFormat[] = ["pptx", "ppt", "odp", "docx", "doc", "odt"];

/**
 * The LibreOffice import filter for each format. Forcing it (`--infilter`) means the file is read as the format
 * it was accepted as, never as whatever LibreOffice's own type detection (dozens of legacy importers) guesses.
 */
export const LIBREOFFICE_IMPORT_FILTERS: Record<OfficeFormat, string> = {
  pptx: "Impress MS PowerPoint 2007 XML",
  ppt: "MS PowerPoint 97",
  odp: "impress8",
  docx: "MS Word 2007 XML",
  doc: "MS Word 97",
  odt: "writer8",
};

/** Zip packages (OOXML, ODF) are checked for zip bombs and their declared type before converting. */
export function isZipPackage(format: OfficeFormat): boolean {
  return format !== "ppt" && format !== "doc";
}
