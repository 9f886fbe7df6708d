/** A byte range to serve: [start, end) of a file of `size` bytes. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/** What to do with a Range header: the whole file, one range, or 416. */
export type RangeDecision = { readonly kind: 'full' } | { readonly kind: 'partial'; readonly range: ByteRange } | { readonly kind: 'unsatisfiable' };

/**
 * Interprets an HTTP Range header (RFC 9110 §14) for a file of `size` bytes. One range is
 * served as 206; several ranges or a malformed header fall back to the whole file (allowed
 * by the RFC, and what wimboot and curl never need anyway); a range starting past the end is 416.
 */
export function decideRange(header: string | undefined, size: number): RangeDecision {
  if (!header) return { kind: 'full' };
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return { kind: 'full' };
  const first = m[1] === '' ? null : Number(m[1]);
  const last = m[2] === '' ? null : Number(m[2]);
  if ((first !== null && !Number.isSafeInteger(first)) || (last !== null && !Number.isSafeInteger(last))) return { kind: 'full' };
  if (first === null) {
    // Suffix range: the last N bytes.
    if (last === 0) return { kind: 'unsatisfiable' };
    return size === 0 ? { kind: 'unsatisfiable' } : { kind: 'partial', range: { start: Math.max(0, size - last!), end: size } };
  }
  if (last !== null && last < first) return { kind: 'full' };
  if (first >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', range: { start: first, end: Math.min(size, (last ?? size - 1) + 1) } };
}
