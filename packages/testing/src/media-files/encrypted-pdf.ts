import PDFDocument from "pdfkit";

/** A one-page PDF that needs `userPassword` to open (pdfkit's AES-128 encryption), for password-protected input. */
export function encryptedPdf(userPassword = "secret"): Promise<Buffer> {
  const document = new PDFDocument({ size: "A4", userPassword, pdfVersion: "1.6" });
  const chunks: Buffer[] = [];
  document.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    document.on("end", () => resolve(Buffer.concat(chunks)));
    document.on("error", reject);
  });
  document.fontSize(24).text("Confidential lecture notes");
  document.end();
  return done;
}
