import { writeZip } from "./zip-writer";

const xml = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>\n${body}\n`;
const escapeXml = (text: string) =>
  text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");

/**
 * Events a conversion could raise: opening, loading finished, Writer's layout and page count, storing (the PDF
 * export is a store), closing. ODF names of LibreOffice's OnLoad, OnLoadFinished, ... events.
 */
const EVENTS = [
  "dom:load",
  "office:load-finished",
  "office:layout-finished",
  "office:page-count-change",
  "office:view-created",
  "office:save-to",
  "office:save-to-done",
  "office:prepare-unload",
  "dom:unload",
];

/**
 * An ODF text document (one page) with a Basic macro in its own package (library `Standard`, module `Module1`)
 * bound to the document's open and other events; the macro writes `markerPath`. Where LibreOffice runs document
 * macros (e.g. opened with macro security at its lowest), the marker appears.
 */
export function macroDocument(markerPath: string): Promise<Buffer> {
  const macro = `Sub WriteMarker\n  Dim n As Integer\n  n = FreeFile\n  Open "${markerPath}" For Output As #n\n  Print #n, "a document macro ran"\n  Close #n\nEnd Sub\n`;
  const listeners = EVENTS.map(
    (event) =>
      `<script:event-listener script:language="ooo:script" script:event-name="${event}" xlink:type="simple" ` +
      'xlink:href="vnd.sun.star.script:Standard.Module1.WriteMarker?language=Basic&amp;location=document"/>',
  ).join("");
  const content = xml(
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" ' +
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" ' +
      'xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" ' +
      // `ooo` resolves the listeners' `script:language="ooo:script"`: undeclared, LibreOffice drops the bindings.
      'xmlns:dom="http://www.w3.org/2001/xml-events" xmlns:ooo="http://openoffice.org/2004/office" office:version="1.2">' +
      `<office:scripts><office:event-listeners>${listeners}</office:event-listeners></office:scripts>` +
      "<office:body><office:text><text:p>A document whose macro runs when it is opened</text:p></office:text></office:body>" +
      "</office:document-content>",
  );
  const manifest = xml(
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">' +
      '<manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="application/vnd.oasis.opendocument.text"/>' +
      ["content.xml", "Basic/script-lc.xml", "Basic/Standard/script-lb.xml", "Basic/Standard/Module1.xml"]
        .map((file) => `<manifest:file-entry manifest:full-path="${file}" manifest:media-type="text/xml"/>`)
        .join("") +
      "</manifest:manifest>",
  );
  const libraries = xml(
    '<library:libraries xmlns:library="http://openoffice.org/2000/library" xmlns:xlink="http://www.w3.org/1999/xlink">' +
      '<library:library library:name="Standard" library:link="false"/></library:libraries>',
  );
  const library = xml(
    '<library:library xmlns:library="http://openoffice.org/2000/library" library:name="Standard" ' +
      'library:readonly="false" library:passwordprotected="false"><library:element library:name="Module1"/></library:library>',
  );
  const module = xml(
    '<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">' +
      `${escapeXml(macro)}</script:module>`,
  );
  return writeZip([
    // First and stored, as ODF requires.
    { name: "mimetype", data: Buffer.from("application/vnd.oasis.opendocument.text"), stored: true },
    { name: "content.xml", data: Buffer.from(content) },
    { name: "Basic/script-lc.xml", data: Buffer.from(libraries) },
    { name: "Basic/Standard/script-lb.xml", data: Buffer.from(library) },
    { name: "Basic/Standard/Module1.xml", data: Buffer.from(module) },
    { name: "META-INF/manifest.xml", data: Buffer.from(manifest) },
  ]);
}
