import { createRequire } from "node:module";
import path from "node:path";

export interface PdfjsAssetPaths {
  standardFontDataUrl: string;
  cMapUrl: string;
  wasmUrl: string;
  iccUrl: string;
}

/**
 * Directories inside the installed pdfjs-dist (pdfjs reads them with fs in Node): the 14 standard fonts,
 * CMaps for CJK encodings such as UniGB-UCS2-H, and the JPEG2000/JBIG2 decoders. Never the network.
 */
export function pdfjsAssetPaths(): PdfjsAssetPaths {
  const packageDir = path.dirname(createRequire(import.meta.url).resolve("pdfjs-dist/package.json"));
  // pdfjs appends file names to these, so they must end with a separator.
  const dir = (name: string) => path.join(packageDir, name) + path.sep;
  return {
    standardFontDataUrl: dir("standard_fonts"),
    cMapUrl: dir("cmaps"),
    wasmUrl: dir("wasm"),
    iccUrl: dir("iccs"),
  };
}
