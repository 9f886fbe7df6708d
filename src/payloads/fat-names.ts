/**
 * FAT file names: validation of long names, 8.3 short names made with the basis-name and
 * numeric-tail rules of Microsoft's FAT specification, and VFAT long-name (LFN) entries.
 * Pure functions; no I/O.
 */
import { PayloadNameError } from './errors.js';

/** Characters allowed in a short (8.3) name besides A–Z and 0–9 (FAT spec §6.1). */
const SHORT_EXTRA = new Set([...'$%\'-_@~`!(){}^#&']);
/** Characters Windows refuses in long names. */
const LONG_FORBIDDEN = /["*/:<>?\\|\u0000-\u001f]/;
/** UTF-16 code units one LFN entry holds. */
const LFN_CHARS = 13;
/** Byte offsets of the three name pieces inside an LFN entry. */
const LFN_SLOTS = [...[1, 3, 5, 7, 9], ...[14, 16, 18, 20, 22, 24], ...[28, 30]];
/** Attribute byte of an LFN entry: read-only | hidden | system | volume label. */
export const ATTR_LFN = 0x0f;

function isShortChar(c: string): boolean {
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || SHORT_EXTRA.has(c);
}

/** Throws PayloadNameError unless `name` is a file name Windows accepts on FAT (≤ 255 UTF-16 units). */
export function validateLongName(name: string): void {
  const why =
    name.length === 0 ? 'it is empty'
    : name.length > 255 ? `it is ${name.length} characters long (at most 255)`
    : LONG_FORBIDDEN.test(name) ? 'it contains a control character or one of " * / : < > ? \\ |'
    : /[ .]$/.test(name) ? 'it ends with a space or a period'
    : name === '.' || name === '..' ? 'it is a directory alias'
    : null;
  if (why) throw new PayloadNameError(`file name ${JSON.stringify(name)} cannot be written to a FAT image: ${why}`);
}

/** The 11-byte directory form (`NAME    EXT`) of a base and extension. */
function pack(base: string, ext: string): string {
  return base.padEnd(8, ' ') + ext.padEnd(3, ' ');
}

/** `NAME.EXT` as people write an 11-byte short name. */
export function displayShortName(packed: string): string {
  const base = packed.slice(0, 8).trimEnd();
  const ext = packed.slice(8).trimEnd();
  return ext ? `${base}.${ext}` : base;
}

/** The 11-byte short name when `name` is already a valid upper-case 8.3 name, else null. */
export function exactShortName(name: string): string | null {
  const m = /^([^.]{1,8})(?:\.([^.]{1,3}))?$/.exec(name);
  if (!m) return null;
  const base = m[1]!;
  const ext = m[2] ?? '';
  if (![...base, ...ext].every(isShortChar)) return null;
  return pack(base, ext);
}

/**
 * Makes a unique short name for a long name (FAT spec §6.1 basis-name generation): upper
 * case, invalid characters to `_`, spaces and inner periods dropped, 8 + 3 characters, and
 * a `~N` tail when anything was lost or the name is taken. `taken` holds packed names.
 */
export function makeShortName(name: string, taken: ReadonlySet<string>): string {
  let lossy = false;
  let s = '';
  for (const c of name.toUpperCase()) {
    if (c === ' ') lossy = true;
    else if (c === '.' || isShortChar(c)) s += c;
    else {
      s += '_';
      lossy = true;
    }
  }
  const lead = /^\.+/.exec(s)?.[0].length ?? 0;
  if (lead) lossy = true;
  s = s.slice(lead);
  const dot = s.lastIndexOf('.');
  const rawBase = dot >= 0 ? s.slice(0, dot) : s;
  const base = rawBase.replace(/\./g, '');
  const ext = dot >= 0 ? s.slice(dot + 1) : '';
  if (base !== rawBase || base.length > 8 || ext.length > 3 || base.length === 0) lossy = true;
  const b = base || '_';
  const e = ext.slice(0, 3);
  const plain = pack(b.slice(0, 8), e);
  if (!lossy && !taken.has(plain)) return plain;
  for (let n = 1; n <= 999_999; n++) {
    const tail = `~${n}`;
    const candidate = pack(b.slice(0, 8 - tail.length) + tail, e);
    if (!taken.has(candidate)) return candidate;
  }
  throw new PayloadNameError(`no free short name for ${JSON.stringify(name)}`);
}

/** The LFN checksum of an 11-byte short name (rotate right, add; FAT spec §7.2). */
export function shortNameChecksum(packed: Buffer): number {
  let sum = 0;
  for (const byte of packed) sum = ((sum & 1 ? 0x80 : 0) + (sum >> 1) + byte) & 0xff;
  return sum;
}

/**
 * The LFN directory entries for a long name, in on-disk order (last piece first, flagged
 * 0x40), each 32 bytes; the short entry they belong to follows them.
 */
export function longNameEntries(name: string, packedShort: Buffer): Buffer[] {
  const units: number[] = [];
  const utf16 = Buffer.from(name, 'utf16le');
  for (let i = 0; i < utf16.length; i += 2) units.push(utf16.readUInt16LE(i));
  const count = Math.ceil(units.length / LFN_CHARS);
  // a name that fills its last entry exactly has no terminator; otherwise 0x0000, then 0xFFFF
  if (units.length % LFN_CHARS !== 0) units.push(0x0000);
  while (units.length < count * LFN_CHARS) units.push(0xffff);
  const sum = shortNameChecksum(packedShort);
  const entries: Buffer[] = [];
  for (let seq = count; seq >= 1; seq--) {
    const e = Buffer.alloc(32);
    e[0] = seq | (seq === count ? 0x40 : 0);
    e[11] = ATTR_LFN;
    e[13] = sum;
    LFN_SLOTS.forEach((off, i) => e.writeUInt16LE(units[(seq - 1) * LFN_CHARS + i]!, off));
    entries.push(e);
  }
  return entries;
}

/** The 11-byte volume label (upper case, padded); throws PayloadNameError when it cannot be one. */
export function packLabel(label: string): string {
  const up = label.toUpperCase();
  if (up.length === 0 || up.length > 11 || ![...up].every((c) => c === ' ' || isShortChar(c)) || up.startsWith(' ')) {
    throw new PayloadNameError(`volume label ${JSON.stringify(label)} must be 1–11 characters of A–Z, 0–9, space or ${[...SHORT_EXTRA].join('')}, not starting with a space`);
  }
  return up.padEnd(11, ' ');
}
