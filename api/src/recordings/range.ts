/**
 * One byte range of a `Range: bytes=…` header (RFC 9110 §14.1.2). Several ranges are answered with
 * the whole file, which the RFC allows; a range past the end is unsatisfiable.
 */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | 'whole' | 'unsatisfiable' {
  if (!header) return 'whole';
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return header.trim().startsWith('bytes=') && header.includes(',') ? 'whole' : 'unsatisfiable';
  const [, from, to] = m as unknown as [string, string, string];
  if (from === '' && to === '') return 'unsatisfiable';
  if (from === '') {
    // The last N bytes.
    const n = Number(to);
    if (n === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(from);
  const end = to === '' ? size - 1 : Math.min(Number(to), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}
