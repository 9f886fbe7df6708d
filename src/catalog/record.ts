import { createHash } from 'node:crypto';
import type { InspectReport, RandomAccessSource } from '../media/index.js';
import type { IsoRecord } from '../store/index.js';
import type { FoundIso } from './access.js';

/**
 * A cheap identity for an ISO: its size, the volume descriptors at sectors 16–17 (ISO
 * 9660 PVD with its creation dates, or the UDF recognition sequence) and the UDF anchor
 * at sector 256. Reads at most 4.5 KiB, so an unchanged ISO costs almost nothing.
 */
export async function fingerprint(source: RandomAccessSource): Promise<string> {
  const h = createHash('sha256').update(`size:${source.size};`);
  if (source.size >= 18 * 2048) h.update(await source.read(16 * 2048, 2 * 2048));
  if (source.size >= 257 * 2048) h.update(await source.read(256 * 2048, 512));
  return h.digest('hex');
}

/** Turns an inspect report into the record the catalog stores. */
export function recordFromReport(sourceId: number, f: FoundIso, fp: string, r: InspectReport, bytesRead: number): IsoRecord {
  const installPath = r.windows?.installImage?.path ?? '';
  return {
    sourceId,
    path: f.path,
    size: f.size,
    mtimeMs: f.mtimeMs,
    fingerprint: fp,
    volumeLabel: r.volume.label || null,
    kind: r.kind,
    fileSystems: r.volume.fileSystems,
    udfRevision: r.volume.udfRevision,
    boot: r.boot?.entries.map((e) => ({ platform: e.platform, mediaType: e.mediaType, bootable: e.bootable })) ?? null,
    installImage: r.windows ? { ...r.windows.installImage, bootFiles: r.windows.bootFiles } : null,
    error: r.windows?.error ?? null,
    bytesRead,
    editions: (r.windows?.editions ?? []).map((e) => ({
      imagePath: installPath,
      index: e.index,
      name: e.name,
      description: e.description,
      editionId: e.editionId,
      productName: e.productName,
      installationType: e.installationType,
      arch: e.architecture,
      major: e.version?.major ?? null,
      minor: e.version?.minor ?? null,
      build: e.version?.build ?? null,
      spBuild: e.version?.spBuild ?? null,
      languages: e.languages,
      defaultLanguage: e.defaultLanguage,
      totalBytes: e.totalBytes,
    })),
    langpacks: r.langpacks.map((p) => ({ path: p.path, locale: p.locale, arch: p.arch, edition: p.edition })),
    tools: r.tools,
    linux: r.linux ? { distro: r.linux.distro, release: r.linux.release, codename: r.linux.codename, arch: r.linux.arch, kernel: r.linux.kernel, initrd: r.linux.initrd } : null,
  };
}

/** The record of an ISO that could not be read: kept so the failure is visible and not retried until it changes. */
export function unreadableRecord(sourceId: number, f: FoundIso, fp: string, code: string, message: string, bytesRead: number): IsoRecord {
  return {
    sourceId, path: f.path, size: f.size, mtimeMs: f.mtimeMs, fingerprint: fp, volumeLabel: null, kind: 'unreadable',
    fileSystems: [], udfRevision: null, boot: null, installImage: null, error: { code, message }, bytesRead,
    editions: [], langpacks: [], tools: null, linux: null,
  };
}
