const LF = 0x0a;
const CR = 0x0d;

/** Bytes `raw` occupies in netascii (RFC 764): each LF becomes CR LF and each CR becomes CR NUL. */
export function netasciiSize(raw: Buffer): number {
  let extra = 0;
  for (let at = raw.indexOf(LF); at >= 0; at = raw.indexOf(LF, at + 1)) extra += 1;
  for (let at = raw.indexOf(CR); at >= 0; at = raw.indexOf(CR, at + 1)) extra += 1;
  return raw.length + extra;
}

/**
 * Translates local text to netascii: LF → CR LF, CR → CR NUL, as tftp-hpa does. Each input
 * byte maps on its own, so chunks of a file can be translated independently and concatenated.
 */
export function toNetascii(raw: Buffer): Buffer {
  const size = netasciiSize(raw);
  if (size === raw.length) return raw;
  const out = Buffer.allocUnsafe(size);
  let o = 0;
  for (const byte of raw) {
    if (byte === LF) {
      out[o++] = CR;
      out[o++] = LF;
    } else if (byte === CR) {
      out[o++] = CR;
      out[o++] = 0;
    } else {
      out[o++] = byte;
    }
  }
  return out;
}
