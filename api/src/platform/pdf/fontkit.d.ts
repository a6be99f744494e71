// Upstream fontkit 2 ships no types; Gavel uses only what pdf-lib's embedder needs.
declare module 'fontkit' {
  export interface FontkitSubset {
    includeGlyph(glyph: unknown): number;
    encode(): Uint8Array;
  }
  export interface FontkitFont {
    createSubset(): FontkitSubset;
    [key: string]: unknown;
  }
  export function create(buffer: Uint8Array, postscriptName?: string): FontkitFont;
}
