/**
 * A 1.44 MB FAT12 floppy image writer: the geometry of a standard 3½" HD disk, one flat
 * root directory, VFAT long names so Windows Setup finds `Autounattend.xml` by its real
 * name. A pure function over Buffers: same files, label and date give the same bytes.
 */
import { createHash } from 'node:crypto';
import { PayloadNameError, PayloadTooLargeError } from './errors.js';
import { displayShortName, exactShortName, longNameEntries, makeShortName, packLabel, validateLongName } from './fat-names.js';

/** The 1.44 MB layout (BIOS Parameter Block values, FAT spec §3.1). */
export const FLOPPY_144 = {
  bytesPerSector: 512,
  sectorsPerCluster: 1,
  reservedSectors: 1,
  fatCount: 2,
  rootEntries: 224,
  totalSectors: 2880,
  media: 0xf0,
  sectorsPerFat: 9,
  sectorsPerTrack: 18,
  heads: 2,
} as const;

const G = FLOPPY_144;
const ROOT_START = G.reservedSectors + G.fatCount * G.sectorsPerFat; // sector 19
const ROOT_SECTORS = (G.rootEntries * 32) / G.bytesPerSector; // 14
const DATA_START = ROOT_START + ROOT_SECTORS; // sector 33 holds cluster 2
/** Clusters in the data area: 2847, numbered from 2. */
export const FLOPPY_CLUSTERS = G.totalSectors - DATA_START;
const CLUSTER_BYTES = G.bytesPerSector * G.sectorsPerCluster;
const END_OF_CHAIN = 0xfff;
const ATTR_ARCHIVE = 0x20;
const ATTR_VOLUME_ID = 0x08;

/** A file to put in the image's root directory. */
export interface FloppyFile {
  /** Long name as Windows shows it, e.g. `Autounattend.xml`. */
  readonly name: string;
  readonly content: Uint8Array;
}

/** Options for buildFloppyImage. */
export interface FloppyOptions {
  /** Volume label, up to 11 characters (stored upper case); none when absent. */
  readonly label?: string;
  /** Time stamp of every entry; default now. */
  readonly date?: Date;
  /** Volume serial number; default derived from the contents and date. */
  readonly serial?: number;
}

/** FAT date and time words (local time, 2-second resolution, years 1980–2107). */
function fatTimestamp(d: Date): { date: number; time: number } {
  const year = Math.min(2107, Math.max(1980, d.getFullYear()));
  const date = ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate();
  const time = (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2);
  return { date, time };
}

function bootSector(label: string, serial: number): Buffer {
  const b = Buffer.alloc(G.bytesPerSector);
  b.set([0xeb, 0x3c, 0x90], 0); // jmp short to the code at 0x3e
  // "MSWIN4.1" is the OEM name the FAT specification recommends for the widest compatibility
  b.write('MSWIN4.1', 3, 'latin1');
  b.writeUInt16LE(G.bytesPerSector, 11);
  b[13] = G.sectorsPerCluster;
  b.writeUInt16LE(G.reservedSectors, 14);
  b[16] = G.fatCount;
  b.writeUInt16LE(G.rootEntries, 17);
  b.writeUInt16LE(G.totalSectors, 19);
  b[21] = G.media;
  b.writeUInt16LE(G.sectorsPerFat, 22);
  b.writeUInt16LE(G.sectorsPerTrack, 24);
  b.writeUInt16LE(G.heads, 26);
  b[36] = 0x00; // BIOS drive number of a floppy
  b[38] = 0x29; // extended boot signature: serial, label and type follow
  b.writeUInt32LE(serial >>> 0, 39);
  b.write(label, 43, 'latin1');
  b.write('FAT12   ', 54, 'latin1');
  // not bootable: INT 18h asks the BIOS to try the next boot device
  b.set([0xcd, 0x18, 0xf4, 0xeb, 0xfd], 0x3e);
  b[510] = 0x55;
  b[511] = 0xaa;
  return b;
}

function dirEntry(packed: string, attr: number, cluster: number, size: number, ts: { date: number; time: number }): Buffer {
  const e = Buffer.alloc(32);
  e.write(packed, 0, 'latin1');
  e[11] = attr;
  e.writeUInt16LE(ts.time, 14); // creation
  e.writeUInt16LE(ts.date, 16);
  e.writeUInt16LE(ts.date, 18); // last access
  e.writeUInt16LE(ts.time, 22); // last write
  e.writeUInt16LE(ts.date, 24);
  e.writeUInt16LE(cluster, 26);
  e.writeUInt32LE(size, 28);
  return e;
}

/** Stores a 12-bit FAT entry: two entries share three bytes. */
function setFat12(fat: Buffer, cluster: number, value: number): void {
  const off = Math.floor((cluster * 3) / 2);
  const word = fat.readUInt16LE(off);
  fat.writeUInt16LE(cluster & 1 ? (word & 0x000f) | (value << 4) : (word & 0xf000) | value, off);
}

/** Short names for every file: exact upper-case 8.3 names first, so generated `~N` names never take them. */
function assignShortNames(files: readonly FloppyFile[]): string[] {
  const seen = new Map<string, string>();
  for (const f of files) {
    validateLongName(f.name);
    const key = f.name.toUpperCase();
    if (seen.has(key)) throw new PayloadNameError(`file names ${JSON.stringify(seen.get(key))} and ${JSON.stringify(f.name)} are the same on FAT (names ignore case)`);
    seen.set(key, f.name);
  }
  const taken = new Set<string>();
  const shorts = files.map((f) => exactShortName(f.name));
  for (const s of shorts) if (s) taken.add(s);
  return files.map((f, i) => {
    const s = shorts[i] ?? makeShortName(f.name, taken);
    taken.add(s);
    return s;
  });
}

/**
 * Builds a 1,474,560-byte FAT12 floppy image holding `files` in its root directory.
 * Names that are not upper-case 8.3 get VFAT long-name entries. Throws PayloadNameError
 * for names FAT cannot hold and PayloadTooLargeError when the files do not fit.
 */
export function buildFloppyImage(files: readonly FloppyFile[], options: FloppyOptions = {}): Buffer {
  const shorts = assignShortNames(files);
  const clustersNeeded = files.reduce((n, f) => n + Math.ceil(f.content.length / CLUSTER_BYTES), 0);
  if (clustersNeeded > FLOPPY_CLUSTERS) {
    const bytes = files.reduce((n, f) => n + f.content.length, 0);
    throw new PayloadTooLargeError(
      `files of ${bytes} bytes need ${clustersNeeded} clusters of ${CLUSTER_BYTES} bytes; a 1.44 MB floppy holds ${FLOPPY_CLUSTERS} (${FLOPPY_CLUSTERS * CLUSTER_BYTES} bytes)`,
    );
  }
  const ts = fatTimestamp(options.date ?? new Date());
  const label = options.label === undefined ? null : packLabel(options.label);

  const entries: Buffer[] = [];
  if (label) entries.push(dirEntry(label, ATTR_VOLUME_ID, 0, 0, ts));
  const img = Buffer.alloc(G.totalSectors * G.bytesPerSector);
  const fat = Buffer.alloc(G.sectorsPerFat * G.bytesPerSector);
  setFat12(fat, 0, 0xf00 | G.media);
  setFat12(fat, 1, END_OF_CHAIN);
  let next = 2;
  files.forEach((f, i) => {
    const packed = Buffer.from(shorts[i]!, 'latin1');
    if (displayShortName(shorts[i]!) !== f.name) entries.push(...longNameEntries(f.name, packed));
    const count = Math.ceil(f.content.length / CLUSTER_BYTES);
    const first = count ? next : 0;
    // files are written contiguously, each cluster chained to the next
    for (let c = 0; c < count; c++) setFat12(fat, next + c, c === count - 1 ? END_OF_CHAIN : next + c + 1);
    if (count) img.set(f.content, (DATA_START + (first - 2) * G.sectorsPerCluster) * G.bytesPerSector);
    next += count;
    entries.push(dirEntry(shorts[i]!, ATTR_ARCHIVE, first, f.content.length, ts));
  });
  if (entries.length > G.rootEntries) {
    throw new PayloadTooLargeError(
      `the files need ${entries.length} root directory entries (long names take one per 13 characters); a 1.44 MB floppy has ${G.rootEntries}`,
    );
  }

  const serial = options.serial ?? deriveSerial(files, ts);
  img.set(bootSector(label ?? 'NO NAME    ', serial), 0);
  for (let n = 0; n < G.fatCount; n++) img.set(fat, (G.reservedSectors + n * G.sectorsPerFat) * G.bytesPerSector);
  entries.forEach((e, i) => img.set(e, ROOT_START * G.bytesPerSector + i * 32));
  return img;
}

/** A serial that changes with the contents, so two different payloads are told apart. */
function deriveSerial(files: readonly FloppyFile[], ts: { date: number; time: number }): number {
  const h = createHash('sha256').update(`${ts.date}:${ts.time}`);
  for (const f of files) h.update(f.name).update('\0').update(f.content);
  return h.digest().readUInt32LE(0);
}
