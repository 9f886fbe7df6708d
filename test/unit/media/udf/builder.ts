// Hand-assembles UDF structures for tests. Only the fields the reader uses are filled.
import { crcItuT, tagChecksum } from '../../../../src/media/udf/tag.js';

/** Fills in a descriptor tag (ident, version 3, CRC over crcLength bytes, checksum, location). */
export function finishTag(d: Buffer, ident: number, location: number, crcLength = d.length - 16): Buffer {
  d.writeUInt16LE(ident, 0);
  d.writeUInt16LE(3, 2);
  d.writeUInt16LE(crcItuT(d.subarray(16, 16 + crcLength)), 8);
  d.writeUInt16LE(crcLength, 10);
  d.writeUInt32LE(location, 12);
  d[4] = tagChecksum(d);
  return d;
}

/** OSTA CS0 bytes: 8-bit when every character fits Latin-1, else UTF-16BE. */
export function cs0(text: string): Buffer {
  if ([...text].every((c) => c.charCodeAt(0) <= 0xff && c.length === 1)) return Buffer.concat([Buffer.from([8]), Buffer.from(text, 'latin1')]);
  const le = Buffer.from(text, 'utf16le');
  const be = Buffer.alloc(le.length);
  for (let i = 0; i < le.length; i += 2) (be[i] = le[i + 1]!), (be[i + 1] = le[i]!);
  return Buffer.concat([Buffer.from([16]), be]);
}

/** A dstring field of `length` bytes. */
export function dstring(text: string, length: number): Buffer {
  const d = Buffer.alloc(length);
  if (text === '') return d;
  const body = cs0(text);
  body.copy(d);
  d[length - 1] = body.length;
  return d;
}

/** extLength with the extent type in its top two bits. */
function extLength(length: number, type: number): number {
  return type * 2 ** 30 + length;
}

/** short_ad. */
export function shortAd(length: number, lbn: number, type = 0): Buffer {
  const d = Buffer.alloc(8);
  d.writeUInt32LE(extLength(length, type), 0);
  d.writeUInt32LE(lbn, 4);
  return d;
}

/** long_ad. */
export function longAd(length: number, lbn: number, ref: number, type = 0): Buffer {
  const d = Buffer.alloc(16);
  d.writeUInt32LE(extLength(length, type), 0);
  d.writeUInt32LE(lbn, 4);
  d.writeUInt16LE(ref, 8);
  return d;
}

/** ext_ad. */
export function extAd(length: number, lbn: number, ref: number, type = 0): Buffer {
  const d = Buffer.alloc(20);
  d.writeUInt32LE(extLength(length, type), 0);
  d.writeUInt32LE(type === 0 ? length : 0, 4);
  d.writeUInt32LE(length, 8);
  d.writeUInt32LE(lbn, 12);
  d.writeUInt16LE(ref, 16);
  return d;
}

/** ECMA-167 timestamp, local time with the given UTC offset in minutes. */
export function timestamp(y: number, mo: number, d: number, h: number, mi: number, s: number, tz = 0): Buffer {
  const t = Buffer.alloc(12);
  t.writeUInt16LE((1 << 12) | (tz & 0xfff), 0);
  t.writeInt16LE(y, 2);
  t.set([mo, d, h, mi, s, 0, 0, 0], 4);
  return t;
}

/** Anchor Volume Descriptor Pointer. */
export function anchor(loc: number, main: [number, number], reserve: [number, number]): Buffer {
  const d = Buffer.alloc(512);
  d.writeUInt32LE(main[1], 16);
  d.writeUInt32LE(main[0], 20);
  d.writeUInt32LE(reserve[1], 24);
  d.writeUInt32LE(reserve[0], 28);
  return finishTag(d, 2, loc);
}

/** Primary Volume Descriptor. */
export function primaryVolume(loc: number, volumeId: string): Buffer {
  const d = Buffer.alloc(512);
  dstring(volumeId, 32).copy(d, 24);
  return finishTag(d, 1, loc);
}

/** Partition Descriptor. */
export function partitionDesc(loc: number, partNum: number, start: number, length: number): Buffer {
  const d = Buffer.alloc(512);
  d.writeUInt16LE(partNum, 22);
  d.write('+NSR03', 25, 'latin1');
  d.writeUInt32LE(1, 184);
  d.writeUInt32LE(start, 188);
  d.writeUInt32LE(length, 192);
  return finishTag(d, 5, loc);
}

/** Logical Volume Descriptor. */
export function logicalVolume(
  loc: number,
  o: { blockSize: number; revision: number; lvid: string; fsd: [lbn: number, ref: number]; maps: Buffer[] },
): Buffer {
  const table = Buffer.concat(o.maps);
  const d = Buffer.alloc(440 + table.length);
  dstring(o.lvid, 128).copy(d, 84);
  d.writeUInt32LE(o.blockSize, 212);
  d.write('*OSTA UDF Compliant', 217, 'latin1');
  d.writeUInt16LE(o.revision, 240);
  longAd(o.blockSize, o.fsd[0], o.fsd[1]).copy(d, 248);
  d.writeUInt32LE(table.length, 264);
  d.writeUInt32LE(o.maps.length, 268);
  table.copy(d, 440);
  return finishTag(d, 6, loc);
}

/** A descriptor with nothing but its tag (TD, IUVD, ...). */
export function bare(ident: number, loc: number): Buffer {
  return finishTag(Buffer.alloc(512), ident, loc);
}

/** Volume Descriptor Pointer to the extent [loc, len]. */
export function volumePointer(loc: number, next: [number, number]): Buffer {
  const d = Buffer.alloc(512);
  d.writeUInt32LE(next[1], 20);
  d.writeUInt32LE(next[0], 24);
  return finishTag(d, 3, loc);
}

/** Type 1 partition map. */
export function type1Map(partNum: number): Buffer {
  const m = Buffer.alloc(6);
  m.set([1, 6]);
  m.writeUInt16LE(1, 2);
  m.writeUInt16LE(partNum, 4);
  return m;
}

/** Type 2 partition map with the given identifier. */
export function type2Map(ident: string, partNum: number): Buffer {
  const m = Buffer.alloc(64);
  m.set([2, 64]);
  m.write(ident, 5, 'latin1');
  m.writeUInt16LE(1, 36);
  m.writeUInt16LE(partNum, 38);
  return m;
}

/** Metadata partition map (UDF 2.50). */
export function metadataMap(partNum: number, file: number, mirror: number): Buffer {
  const m = type2Map('*UDF Metadata Partition', partNum);
  m.writeUInt32LE(file, 40);
  m.writeUInt32LE(mirror, 44);
  m.writeUInt32LE(0xffffffff, 48);
  m.writeUInt32LE(32, 52);
  m.writeUInt16LE(1, 56);
  return m;
}

/** File Set Descriptor with the root ICB at [lbn, ref]. */
export function fileSet(lbn: number, root: [number, number], blockSize: number, lvid = ''): Buffer {
  const d = Buffer.alloc(512);
  dstring(lvid, 128).copy(d, 112);
  longAd(blockSize, root[0], root[1]).copy(d, 400);
  return finishTag(d, 256, lbn);
}

/** File Entry (tag 261) or Extended File Entry (tag 266) filling one block. */
export function fileEntry(o: {
  lbn: number;
  blockSize: number;
  extended: boolean;
  fileType: number;
  size: number | bigint;
  adType: number;
  ads: Buffer;
  lengthEa?: number;
  mtime?: Buffer;
}): Buffer {
  const base = o.extended ? 216 : 176;
  const ea = o.lengthEa ?? 0;
  const d = Buffer.alloc(o.blockSize);
  d[27] = o.fileType;
  d.writeUInt16LE(o.adType, 34);
  d.writeBigUInt64LE(BigInt(o.size), 56);
  o.mtime?.copy(d, o.extended ? 92 : 84);
  d.writeUInt32LE(ea, base - 8);
  d.writeUInt32LE(o.ads.length, base - 4);
  o.ads.copy(d, base + ea);
  return finishTag(d, o.extended ? 266 : 261, o.lbn, base + ea + o.ads.length - 16);
}

/** Allocation Extent Descriptor holding `ads`. */
export function allocationExtent(lbn: number, ads: Buffer): Buffer {
  const d = Buffer.alloc(24 + ads.length);
  d.writeUInt32LE(ads.length, 20);
  ads.copy(d, 24);
  return finishTag(d, 258, lbn);
}

/** File Identifier Descriptor, padded to 4 bytes. */
export function fid(o: { flags: number; name: string; icb: [lbn: number, ref: number]; impUse?: number; blockSize?: number }): Buffer {
  const name = o.name === '' ? Buffer.alloc(0) : cs0(o.name);
  const iu = o.impUse ?? 0;
  const d = Buffer.alloc(Math.ceil((38 + iu + name.length) / 4) * 4);
  d[18] = o.flags;
  d[19] = name.length;
  longAd(o.blockSize ?? 2048, o.icb[0], o.icb[1]).copy(d, 20);
  d.writeUInt16LE(iu, 36);
  name.copy(d, 38 + iu);
  return finishTag(d, 257, 0, 38 + iu + name.length - 16);
}

/** A blank image of `blocks` blocks with a recognition sequence (BEA01, NSR03, TEA01). */
export function blankImage(blockSize: number, blocks: number, vrs = ['BEA01', 'NSR03', 'TEA01']): Buffer {
  const img = Buffer.alloc(blockSize * blocks);
  vrs.forEach((id, i) => {
    img[32768 + i * 2048] = 0;
    img.write(id, 32768 + i * 2048 + 1, 'latin1');
    img[32768 + i * 2048 + 6] = 1;
  });
  return img;
}
