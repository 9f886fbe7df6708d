import { MediaCorruptError, MediaLimitError } from '../errors.js';
import { MediaLimits } from '../limits.js';

/** Size of every boot catalog entry (El Torito 1.0 §2). */
export const CATALOG_ENTRY_SIZE = 32;

/** Platform ids of the validation entry and section headers. */
export const BootPlatformId = { X86: 0x00, PowerPc: 0x01, Mac: 0x02, Efi: 0xef } as const;

/** Human name of a platform id. */
export type BootPlatform = 'x86' | 'powerpc' | 'mac' | 'uefi' | 'unknown';

/** Boot media emulation (low nibble of entry byte 1). */
export type BootMediaType = 'no-emulation' | 'floppy-1.2' | 'floppy-1.44' | 'floppy-2.88' | 'hard-disk' | 'unknown';

/** One bootable (or non-bootable) image listed by the catalog. */
export interface BootEntry {
  /** True for the initial/default entry, false for section entries. */
  readonly isDefault: boolean;
  readonly platformId: number;
  readonly platform: BootPlatform;
  readonly bootable: boolean;
  readonly mediaTypeId: number;
  readonly mediaType: BootMediaType;
  /** Real-mode segment the image is loaded at; a recorded 0 means the BIOS default 0x7C0. */
  readonly loadSegment: number;
  readonly systemType: number;
  /** Virtual 512-byte sectors loaded (no-emulation) as recorded. */
  readonly sectorCount: number;
  /** Start of the image, in 2048-byte blocks. */
  readonly loadLba: number;
  /** Section id string of the section header, '' for the default entry. */
  readonly sectionId: string;
}

/** A decoded boot catalog. */
export interface BootCatalog {
  /** Platform of the validation entry, which the default entry boots. */
  readonly platformId: number;
  readonly platform: BootPlatform;
  /** Manufacturer/developer id of the validation entry. */
  readonly id: string;
  readonly entries: BootEntry[];
}

/** Maps a platform id to its name. */
export function platformName(id: number): BootPlatform {
  switch (id) {
    case BootPlatformId.X86:
      return 'x86';
    case BootPlatformId.PowerPc:
      return 'powerpc';
    case BootPlatformId.Mac:
      return 'mac';
    case BootPlatformId.Efi:
      return 'uefi';
    default:
      return 'unknown';
  }
}

const MEDIA: readonly BootMediaType[] = ['no-emulation', 'floppy-1.2', 'floppy-1.44', 'floppy-2.88', 'hard-disk'];

function corrupt(message: string): MediaCorruptError {
  return new MediaCorruptError('eltorito', message);
}

/** Checks the validation entry: header 1, key 55 AA, and 16 LE words summing to 0 mod 2^16. */
export function checkValidationEntry(entry: Buffer): void {
  if (entry.length < CATALOG_ENTRY_SIZE) throw corrupt('catalog is shorter than its validation entry');
  if (entry[0] !== 0x01) throw corrupt(`validation entry header is 0x${entry[0]!.toString(16)}, expected 0x01`);
  if (entry[30] !== 0x55 || entry[31] !== 0xaa) throw corrupt('validation entry lacks the 55 AA key');
  let sum = 0;
  for (let i = 0; i < CATALOG_ENTRY_SIZE; i += 2) sum = (sum + entry.readUInt16LE(i)) & 0xffff;
  if (sum !== 0) throw corrupt(`validation entry checksum fails (sum 0x${sum.toString(16)})`);
}

function decodeEntry(e: Buffer, isDefault: boolean, platformId: number, sectionId: string): BootEntry {
  const indicator = e[0]!;
  if (indicator !== 0x88 && indicator !== 0x00) {
    throw corrupt(`boot entry indicator is 0x${indicator.toString(16)}, expected 0x88 or 0x00`);
  }
  const mediaTypeId = e[1]! & 0x0f;
  const segment = e.readUInt16LE(2);
  return {
    isDefault,
    platformId,
    platform: platformName(platformId),
    bootable: indicator === 0x88,
    mediaTypeId,
    mediaType: MEDIA[mediaTypeId] ?? 'unknown',
    loadSegment: segment === 0 ? 0x7c0 : segment,
    systemType: e[4]!,
    sectorCount: e.readUInt16LE(6),
    loadLba: e.readUInt32LE(8),
    sectionId,
  };
}

/**
 * Decodes a boot catalog from its first byte. Sections end at a 0x91 header or at an
 * unused (zero) slot; extension entries (0x44) are skipped.
 */
export function decodeBootCatalog(buf: Buffer): BootCatalog {
  checkValidationEntry(buf);
  const platformId = buf[1]!;
  const id = buf.toString('latin1', 4, 28).replace(/[ \0]+$/, '');
  if (buf.length < 2 * CATALOG_ENTRY_SIZE) throw corrupt('catalog ends before its default entry');
  const entries = [decodeEntry(buf.subarray(32, 64), true, platformId, '')];
  let pos = 64;
  let last = false;
  while (!last && pos + CATALOG_ENTRY_SIZE <= buf.length) {
    const header = buf[pos]!;
    if (header !== 0x90 && header !== 0x91) break;
    last = header === 0x91;
    const sectionPlatform = buf[pos + 1]!;
    const count = buf.readUInt16LE(pos + 2);
    const sectionId = buf.toString('latin1', pos + 4, pos + 32).replace(/[ \0]+$/, '');
    pos += CATALOG_ENTRY_SIZE;
    for (let i = 0; i < count; i++) {
      if (entries.length >= MediaLimits.maxBootEntries) {
        throw new MediaLimitError('eltorito', `catalog lists more than ${MediaLimits.maxBootEntries} boot entries`);
      }
      if (pos + CATALOG_ENTRY_SIZE > buf.length) throw corrupt(`section declares ${count} entries but the catalog ends`);
      entries.push(decodeEntry(buf.subarray(pos, pos + CATALOG_ENTRY_SIZE), false, sectionPlatform, sectionId));
      pos += CATALOG_ENTRY_SIZE;
      while (pos + CATALOG_ENTRY_SIZE <= buf.length && buf[pos] === 0x44) pos += CATALOG_ENTRY_SIZE;
    }
  }
  return { platformId, platform: platformName(platformId), id, entries };
}
