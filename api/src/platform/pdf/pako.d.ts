// pako 1 (pdf-lib's deflate) ships no types; Gavel uses only deflate.
declare module 'pako' {
  export interface DeflateOptions {
    level?: number;
    windowBits?: number;
    memLevel?: number;
  }
  const pako: { deflate(data: Uint8Array, options?: DeflateOptions): Uint8Array };
  export default pako;
}
