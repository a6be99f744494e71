import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { create as createFontkitFont, type FontkitFont } from 'fontkit';
import type { PDFDocument, PDFFont } from 'pdf-lib';

const require = createRequire(import.meta.url);
let fontBytes: Uint8Array | undefined;

/** Noto Sans SC with TrueType outlines (the CFF subsets of @pdf-lib/fontkit render blank in poppler). */
export function fontFile(): Uint8Array {
  fontBytes ??= readFileSync(require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf'));
  return fontBytes;
}

/**
 * pdf-lib expects @pdf-lib/fontkit's subset, which streams its bytes; upstream fontkit 2's subset
 * has encode() instead. This hands pdf-lib a font whose subset streams what encode() returns.
 */
export const fontkitAdapter = {
  create(buffer: Uint8Array): FontkitFont {
    const font = createFontkitFont(buffer);
    const createSubset = font.createSubset.bind(font);
    const glyphsForString = (font.glyphsForString as (text: string) => unknown[]).bind(font);
    return new Proxy(font, {
      get(target, key) {
        // Glyphs straight from the cmap, without OpenType shaping: CJK and Latin court text needs no
        // ligatures or contextual forms, and shaping every line was most of the render time.
        if (key === 'layout') return (text: string) => ({ glyphs: glyphsForString(text), positions: [] });
        if (key === 'createSubset') {
          return () => {
            const subset = createSubset();
            return {
              includeGlyph: (glyph: unknown) => subset.includeGlyph(glyph),
              encodeStream: () => {
                const handlers: Record<string, (arg?: unknown) => void> = {};
                const stream = {
                  on(event: string, fn: (arg?: unknown) => void) {
                    handlers[event] = fn;
                    return stream;
                  },
                };
                queueMicrotask(() => {
                  try {
                    handlers.data?.(subset.encode());
                    handlers.end?.();
                  } catch (err) {
                    handlers.error?.(err);
                  }
                });
                return stream;
              },
            };
          };
        }
        const value: unknown = Reflect.get(target, key, target);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  },
};

/** The font embedded in a document, subset to the glyphs it draws: Latin and Chinese alike. */
export function embedFont(pdf: PDFDocument): Promise<PDFFont> {
  pdf.registerFontkit(fontkitAdapter as unknown as Parameters<PDFDocument['registerFontkit']>[0]);
  return pdf.embedFont(fontFile(), { subset: true });
}
