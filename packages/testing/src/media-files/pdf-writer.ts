import { type PdfObject, writePdfObjects } from "../pdf-writer";

/** A PDF of `pages` pages, each `width` x `height` points with "Page N" in Helvetica. */
export function multiPagePdf(pages: number, width = 960, height = 540): Buffer {
  const objects: PdfObject[] = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  const kids: string[] = [];
  for (let page = 1; page <= pages; page++) {
    const content = `BT /F1 72 Tf 100 ${height / 2} Td (Page ${page}) Tj ET 0 0 1 rg 0 0 ${(width * page) / pages} 40 re f`;
    objects.push({ dictionary: "<< >>", stream: content });
    const contentRef = objects.length;
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${width} ${height}] /Contents ${contentRef} 0 R /Resources << /Font << /F1 3 0 R >> >> >>`,
    );
    kids.push(`${objects.length} 0 R`);
  }
  objects[1] = `<< /Type /Pages /Kids [${kids.join(" ")}] /Count ${pages} >>`;
  return writePdfObjects(objects, { root: 1 });
}
