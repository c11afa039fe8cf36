import { type FontKey, GlobalFonts } from "@napi-rs/canvas";

/**
 * What pdfjs needs of the browser's CSS Font Loading API to hand the fonts of a PDF (embedded ones, converted
 * by pdfjs to OpenType) to the canvas instead of drawing every glyph as a path: a `FontFace` holding the font
 * bytes, and a `document.fonts` set to add it to. Here adding registers the bytes with Skia (@napi-rs/canvas's
 * `GlobalFonts`) under pdfjs's unique name for the font, and deleting (pdfjs does on `destroy()`) removes them,
 * so fonts do not pile up between documents. Skia then draws text from its glyph cache.
 */
class SkiaFontFace {
  readonly loaded: Promise<SkiaFontFace>;
  key: FontKey | null = null;

  constructor(
    readonly family: string,
    readonly source: Uint8Array | string,
  ) {
    this.loaded = Promise.resolve(this);
  }

  load(): Promise<SkiaFontFace> {
    // A string source is a system font by CSS `local()` name, which pdfjs only asks for in browsers.
    return typeof this.source === "string" ? Promise.reject(new Error("no system fonts by name")) : this.loaded;
  }
}

const skiaFontSet = {
  add(face: SkiaFontFace): void {
    if (typeof face.source === "string") return;
    face.key = GlobalFonts.register(
      Buffer.from(face.source.buffer, face.source.byteOffset, face.source.byteLength),
      face.family,
    );
  },
  delete(face: SkiaFontFace): void {
    if (face.key) GlobalFonts.remove(face.key);
    face.key = null;
  },
};

/** The `ownerDocument` to give `getDocument` with `disableFontFace: false` (see `SkiaFontFace`). */
export const skiaFontDocument = { fonts: skiaFontSet };

/** Installs the `FontFace` constructor pdfjs calls; once per process, with the other pdfjs polyfills. */
export function installSkiaFontFace(): void {
  (globalThis as { FontFace?: unknown }).FontFace ??= SkiaFontFace;
}
