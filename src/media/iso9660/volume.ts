import { MediaCorruptError } from '../errors.js';
import { SECTOR_SIZE, bothU16, bothU32, digitDate, need, text, ucs2be } from './fields.js';

/** Standard identifier of every ISO 9660 volume descriptor (ECMA-119 8.1.2). */
export const ISO_STANDARD_ID = 'CD001';

/** Volume descriptor type bytes (ECMA-119 8.1.1). */
export const VolumeDescriptorType = {
  BootRecord: 0,
  Primary: 1,
  Supplementary: 2,
  Partition: 3,
  Terminator: 255,
} as const;

/** Identifier of the El Torito boot record at VD+7 (El Torito 1.0 §2.0). */
export const EL_TORITO_ID = 'EL TORITO SPECIFICATION';

/** UDF Volume Recognition Sequence identifiers that may follow the ISO terminator (ECMA-167 2/9). */
export const UDF_VRS_IDS: readonly string[] = ['BEA01', 'NSR02', 'NSR03', 'TEA01', 'BOOT2'];

/** Joliet UCS-2 levels 1–3, the escape sequences at SVD+88 (Joliet spec §4). */
const JOLIET_ESCAPES = ['%/@', '%/C', '%/E'];

/** Fields shared by the primary and a supplementary volume descriptor. */
export interface VolumeFields {
  readonly systemId: string;
  readonly volumeId: string;
  readonly volumeSpaceBlocks: number;
  readonly blockSize: number;
  /** The 34-byte root directory record, copied out of the descriptor. */
  readonly rootRecord: Buffer;
  readonly applicationId: string;
  readonly publisherId: string;
  readonly created: Date | null;
}

/** One decoded volume descriptor. */
export type VolumeDescriptor =
  | ({ readonly kind: 'primary' } & VolumeFields)
  | ({ readonly kind: 'supplementary'; readonly joliet: boolean } & VolumeFields)
  | { readonly kind: 'boot'; readonly elTorito: boolean; readonly catalogLba: number | null }
  | { readonly kind: 'partition' }
  | { readonly kind: 'terminator' }
  | { readonly kind: 'unknown'; readonly type: number };

/** Returns the 5-character standard identifier at byte 1 of a descriptor sector. */
export function standardIdentifier(sector: Buffer): string {
  if (sector.length < 6) return '';
  return sector.toString('latin1', 1, 6);
}

/** True when the escape sequences of an SVD (at +88, 32 bytes) announce Joliet. */
export function isJolietEscape(sector: Buffer): boolean {
  need('iso9660', sector, 88, 32, 'escape sequences');
  const escapes = sector.toString('latin1', 88, 120);
  return JOLIET_ESCAPES.some((e) => escapes.includes(e));
}

function decodeVolumeFields(sector: Buffer, joliet: boolean): VolumeFields {
  const id = (buf: Buffer, offset: number, length: number): string =>
    (joliet ? ucs2be(buf, offset, length) : text(buf, offset, length)).replace(/[ \0]+$/, '');
  const blockSize = bothU16(sector, 128);
  // ECMA-119 6.1.2: a power of two, at least 512, never larger than the 2048-byte sector.
  if (blockSize < 512 || blockSize > SECTOR_SIZE || (blockSize & (blockSize - 1)) !== 0) {
    throw new MediaCorruptError('iso9660', `logical block size ${blockSize} is not 512, 1024 or 2048`);
  }
  return {
    systemId: id(sector, 8, 32),
    volumeId: id(sector, 40, 32),
    volumeSpaceBlocks: bothU32(sector, 80),
    blockSize,
    rootRecord: Buffer.from(sector.subarray(156, 190)),
    applicationId: id(sector, 574, 128),
    publisherId: id(sector, 318, 128),
    created: digitDate(sector, 813),
  };
}

/** Decodes one 2048-byte volume descriptor; throws MediaCorruptError unless it carries `CD001`. */
export function decodeVolumeDescriptor(sector: Buffer): VolumeDescriptor {
  need('iso9660', sector, 0, SECTOR_SIZE, 'volume descriptor');
  if (standardIdentifier(sector) !== ISO_STANDARD_ID) {
    throw new MediaCorruptError('iso9660', `volume descriptor lacks the ${ISO_STANDARD_ID} identifier`);
  }
  const type = sector[0]!;
  switch (type) {
    case VolumeDescriptorType.Primary:
      return { kind: 'primary', ...decodeVolumeFields(sector, false) };
    case VolumeDescriptorType.Supplementary: {
      const joliet = isJolietEscape(sector);
      return { kind: 'supplementary', joliet, ...decodeVolumeFields(sector, joliet) };
    }
    case VolumeDescriptorType.BootRecord: {
      const elTorito = sector.toString('latin1', 7, 7 + EL_TORITO_ID.length) === EL_TORITO_ID;
      return { kind: 'boot', elTorito, catalogLba: elTorito ? sector.readUInt32LE(71) : null };
    }
    case VolumeDescriptorType.Partition:
      return { kind: 'partition' };
    case VolumeDescriptorType.Terminator:
      return { kind: 'terminator' };
    default:
      return { kind: 'unknown', type };
  }
}
