import { MediaCorruptError, MediaIoError, MediaLimitError } from '../errors.js';
import type { MediaFileSystem } from '../filesystem.js';
import { MediaLimits } from '../limits.js';
import type { RandomAccessSource } from '../source.js';
import { CATALOG_ENTRY_SIZE, decodeBootCatalog, type BootCatalog } from './eltorito.js';
import { SECTOR_SIZE } from './fields.js';
import { decodeDirectoryRecord } from './record.js';
import { findSuspIndicator } from './rockridge.js';
import { ISO_STANDARD_ID, UDF_VRS_IDS, decodeVolumeDescriptor, standardIdentifier, type VolumeFields } from './volume.js';
import { IsoFileSystem, nodeFromRecords, type IsoNode } from './view.js';

/** What the volume descriptors of an ISO 9660 image say. */
export interface IsoVolumeInfo {
  systemId: string;
  volumeId: string;
  volumeSpaceBlocks: number;
  blockSize: number;
  applicationId: string;
  publisherId: string;
  created: Date | null;
  /** A Joliet SVD is present (its view may still have been dropped as corrupt). */
  hasJoliet: boolean;
  /** The root "." record carries a SUSP SP entry. */
  hasRockRidge: boolean;
  bootCatalogLba: number | null;
  /** UDF Volume Recognition Sequence identifiers after the terminator, e.g. BEA01, NSR02, TEA01. */
  udfVrs: string[];
}

/** An opened ISO image: its volume facts and one file system per readable view. */
export interface IsoOpenResult {
  info: IsoVolumeInfo;
  fileSystems: MediaFileSystem[];
  /** Why an optional view (Rock Ridge, Joliet) was left out, e.g. `joliet: iso9660: ...`. */
  warnings: string[];
}

/** Descriptors found by walking the volume descriptor set and the VRS behind it. */
interface DescriptorScan {
  primary: VolumeFields | null;
  joliet: VolumeFields | null;
  bootCatalogLba: number | null;
  udfVrs: string[];
}

async function readSector(source: RandomAccessSource, index: number): Promise<Buffer | null> {
  const start = index * SECTOR_SIZE;
  return start + SECTOR_SIZE > source.size ? null : source.read(start, SECTOR_SIZE);
}

async function scanDescriptors(source: RandomAccessSource): Promise<DescriptorScan | null> {
  const scan: DescriptorScan = { primary: null, joliet: null, bootCatalogLba: null, udfVrs: [] };
  let sector = 16;
  for (let terminated = false; !terminated; sector++) {
    if (sector - 16 >= MediaLimits.maxVolumeDescriptors) {
      throw new MediaLimitError('iso9660', `no terminator within ${MediaLimits.maxVolumeDescriptors} volume descriptors`);
    }
    const buf = await readSector(source, sector);
    if (sector === 16 && (buf === null || standardIdentifier(buf) !== ISO_STANDARD_ID)) return null;
    if (buf === null) throw new MediaCorruptError('iso9660', `image ends inside the volume descriptor set (sector ${sector})`);
    const vd = decodeVolumeDescriptor(buf);
    if (vd.kind === 'primary') scan.primary ??= vd;
    else if (vd.kind === 'supplementary' && vd.joliet) scan.joliet ??= vd;
    else if (vd.kind === 'boot' && vd.elTorito) scan.bootCatalogLba ??= vd.catalogLba;
    else if (vd.kind === 'terminator') terminated = true;
  }
  for (; sector - 16 < MediaLimits.maxVolumeDescriptors; sector++) {
    const buf = await readSector(source, sector);
    const id = buf ? standardIdentifier(buf) : '';
    if (!UDF_VRS_IDS.includes(id)) break;
    scan.udfVrs.push(id);
    if (id === 'TEA01') break;
  }
  return scan;
}

function rootNode(vd: VolumeFields): IsoNode {
  const rec = decodeDirectoryRecord(vd.rootRecord, 0);
  if (!rec.isDirectory) throw new MediaCorruptError('iso9660', 'root directory record is not a directory');
  return nodeFromRecords([rec], vd.blockSize, '', null);
}

/** Builds an optional view and lists its root; a corrupt view yields null (and a warning) so the others still open. */
async function probeView(build: () => Promise<IsoFileSystem>, warnings: string[], kind: string): Promise<IsoFileSystem | null> {
  try {
    const fs = await build();
    await fs.readDir(await fs.resolve(fs.rootRef));
    return fs;
  } catch (err) {
    if (err instanceof MediaCorruptError || err instanceof MediaLimitError || err instanceof MediaIoError) {
      warnings.push(`${kind}: ${err.message}`);
      return null;
    }
    throw err;
  }
}

/** Offset of SUSP entries (LEN_SKP) when the root "." record starts with SP, else null. */
async function rockRidgeSkip(source: RandomAccessSource, root: IsoNode): Promise<number | null> {
  const first = root.extents[0];
  if (!first || first.kind !== 'data') return null;
  const head = await source.read(first.sourceOffset, Math.min(first.length, SECTOR_SIZE));
  const self = decodeDirectoryRecord(head, 0);
  return self.isSelf ? findSuspIndicator(self.systemUse) : null;
}

/**
 * Opens the ISO 9660 side of an image. Returns null when sector 16 holds no `CD001`
 * descriptor (so the caller can try UDF alone); throws MediaCorruptError when the
 * descriptors or the primary root are broken.
 */
export async function openIso9660(source: RandomAccessSource): Promise<IsoOpenResult | null> {
  const scan = await scanDescriptors(source);
  if (!scan) return null;
  const pvd = scan.primary;
  if (!pvd) throw new MediaCorruptError('iso9660', 'volume descriptor set has no primary volume descriptor');
  const base = { label: pvd.volumeId, blockSize: pvd.blockSize, suspSkip: 0 };
  const plain = new IsoFileSystem(source, rootNode(pvd), { ...base, kind: 'iso9660' });
  const root = await plain.resolve(plain.rootRef);
  const skip = await rockRidgeSkip(source, root);
  const fileSystems: MediaFileSystem[] = [plain];
  const warnings: string[] = [];
  if (skip !== null) {
    const rr = await probeView(
      async () => new IsoFileSystem(source, root, { ...base, kind: 'rockridge', suspSkip: skip }),
      warnings,
      'rockridge',
    );
    if (rr) fileSystems.push(rr);
  }
  const svd = scan.joliet;
  if (svd) {
    const joliet = await probeView(
      async () => new IsoFileSystem(source, rootNode(svd), { kind: 'joliet', label: svd.volumeId, blockSize: svd.blockSize, suspSkip: 0 }),
      warnings,
      'joliet',
    );
    if (joliet) fileSystems.push(joliet);
  }
  const info: IsoVolumeInfo = {
    systemId: pvd.systemId,
    volumeId: pvd.volumeId,
    volumeSpaceBlocks: pvd.volumeSpaceBlocks,
    blockSize: pvd.blockSize,
    applicationId: pvd.applicationId,
    publisherId: pvd.publisherId,
    created: pvd.created,
    hasJoliet: svd !== null,
    hasRockRidge: skip !== null,
    bootCatalogLba: scan.bootCatalogLba,
    udfVrs: scan.udfVrs,
  };
  return { info, fileSystems, warnings };
}

/** Reads and decodes the El Torito boot catalog at `catalogLba` (2048-byte blocks). */
export async function readElTorito(source: RandomAccessSource, catalogLba: number): Promise<BootCatalog> {
  const start = catalogLba * SECTOR_SIZE;
  if (!Number.isSafeInteger(start) || start < 0 || start + 2 * CATALOG_ENTRY_SIZE > source.size) {
    throw new MediaCorruptError('eltorito', `boot catalog at block ${catalogLba} lies outside the image (size ${source.size})`);
  }
  // Room for every allowed entry plus a header and an extension entry each.
  const wanted = (3 * MediaLimits.maxBootEntries + 2) * CATALOG_ENTRY_SIZE;
  return decodeBootCatalog(await source.read(start, Math.min(wanted, source.size - start)));
}
