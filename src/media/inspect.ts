import type { FileSystemKind } from './filesystem.js';
import type { MediaImage, ImageEntry } from './image.js';
import type { BootCatalog } from './iso9660/index.js';
import { readWimInfo, type WimEdition, type WimHeader } from './wim/index.js';
import {
  parseDiskInfo,
  parseTreeInfo,
  recogniseLangPack,
  recogniseTools,
  type LangPackFile,
  type LinuxTree,
  type ToolsFamily,
} from './classify-names.js';

/** What a piece of install media is. */
export type MediaKind = 'windows-install' | 'windows-langpack' | 'guest-tools' | 'linux-installer' | 'other';

/** The install image of Windows media and the editions it holds. */
export interface WindowsInstallInfo {
  readonly installImage: {
    readonly path: string;
    readonly format: 'wim' | 'esd' | 'swm';
    readonly size: number;
    readonly solid: boolean;
    readonly partNumber: number;
    readonly totalParts: number;
    readonly imageCount: number;
  } | null;
  readonly editions: readonly WimEdition[];
  /** Why the editions could not be read, when they could not. */
  readonly error: { readonly code: string; readonly message: string } | null;
  /** Files wimboot needs, as found on the media (null when missing). */
  readonly bootFiles: {
    readonly bootWim: string | null;
    readonly bootmgr: string | null;
    readonly bcd: string | null;
    readonly bootSdi: string | null;
    readonly efiBootmgr: string | null;
    readonly efiBcd: string | null;
    readonly setup: string | null;
  };
}

/** Everything `vizor media inspect` reports about an image. */
export interface InspectReport {
  readonly source: string;
  readonly size: number;
  readonly volume: {
    readonly label: string;
    readonly fileSystems: readonly FileSystemKind[];
    readonly preferred: FileSystemKind;
    readonly udfRevision: string | null;
    readonly isoVolumeId: string | null;
    readonly systemId: string | null;
    readonly applicationId: string | null;
  };
  readonly boot: BootCatalog | null;
  readonly kind: MediaKind;
  readonly windows: WindowsInstallInfo | null;
  readonly langpacks: readonly LangPackFile[];
  readonly tools: { readonly family: ToolsFamily; readonly version: string | null } | null;
  readonly linux: LinuxTree | null;
  readonly bytesRead: number;
  readonly warnings: readonly string[];
}

const INSTALL_IMAGES: readonly { path: string; format: 'wim' | 'esd' | 'swm' }[] = [
  { path: 'sources/install.wim', format: 'wim' },
  { path: 'sources/install.esd', format: 'esd' },
  { path: 'sources/install.swm', format: 'swm' },
];

async function firstFound(image: MediaImage, paths: readonly string[]): Promise<string | null> {
  for (const p of paths) {
    const hit = await image.find(p);
    if (hit && !hit.node.isDirectory) return hit.path;
  }
  return null;
}

async function inspectWindows(image: MediaImage, file: ImageEntry, format: 'wim' | 'esd' | 'swm'): Promise<WindowsInstallInfo> {
  const bootFiles = {
    bootWim: await firstFound(image, ['sources/boot.wim']),
    bootmgr: await firstFound(image, ['bootmgr']),
    bcd: await firstFound(image, ['boot/bcd']),
    bootSdi: await firstFound(image, ['boot/boot.sdi']),
    efiBootmgr: await firstFound(image, ['efi/boot/bootx64.efi', 'efi/boot/bootaa64.efi']),
    efiBcd: await firstFound(image, ['efi/microsoft/boot/bcd']),
    setup: await firstFound(image, ['setup.exe']),
  };
  let header: WimHeader | null = null;
  try {
    const info = await readWimInfo((offset, length) => image.readRange(file, offset, length), file.node.size);
    header = info.header;
    return { installImage: describeImage(file, format, header), editions: info.xml.editions, error: null, bootFiles };
  } catch (err) {
    const code = typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : 'MEDIA_IO';
    return { installImage: describeImage(file, format, header), editions: [], error: { code, message: (err as Error).message }, bootFiles };
  }
}

function describeImage(file: ImageEntry, format: 'wim' | 'esd' | 'swm', header: WimHeader | null): WindowsInstallInfo['installImage'] {
  return {
    path: file.path,
    format,
    size: file.node.size,
    solid: header?.solid ?? false,
    partNumber: header?.partNumber ?? 1,
    totalParts: header?.totalParts ?? 1,
    imageCount: header?.imageCount ?? 0,
  };
}

/** Walks the directories where language packs live (bounded), collecting recognised packs. */
async function findLangPacks(image: MediaImage): Promise<LangPackFile[]> {
  const found: LangPackFile[] = [];
  const interesting = /^(langpacks?|languagesandoptionalfeatures|x86|x64|amd64|arm64|[a-z]{2,3}-[a-z]{2,4}(-[a-z]{2,3})?)$/i;
  const queue: { path: string; depth: number }[] = [{ path: '/', depth: 0 }];
  let visited = 0;
  while (queue.length > 0 && visited < 200) {
    const { path, depth } = queue.shift()!;
    visited++;
    for (const entry of await image.list(path)) {
      if (entry.node.isDirectory) {
        if (depth < 3 && interesting.test(entry.name)) queue.push({ path: entry.path, depth: depth + 1 });
      } else {
        const pack = recogniseLangPack(entry.path);
        if (pack) found.push(pack);
      }
    }
  }
  return found;
}

async function readSmallText(image: MediaImage, path: string): Promise<string | null> {
  const hit = await image.find(path);
  if (!hit || hit.node.isDirectory) return null;
  return (await image.readFile(hit.path, 64 * 1024)).toString('utf8');
}

async function findLinux(image: MediaImage): Promise<LinuxTree | null> {
  const treeinfo = (await readSmallText(image, '.treeinfo')) ?? (await readSmallText(image, 'treeinfo'));
  if (treeinfo) {
    const t = parseTreeInfo(treeinfo);
    return { ...t, kernel: t.kernel ?? (await firstFound(image, ['images/pxeboot/vmlinuz'])), initrd: t.initrd ?? (await firstFound(image, ['images/pxeboot/initrd.img'])), evidence: '.treeinfo' };
  }
  const diskInfo = await readSmallText(image, '.disk/info');
  if (diskInfo) {
    const d = parseDiskInfo(diskInfo);
    const kernel = await firstFound(image, ['install.amd/vmlinuz', 'install/vmlinuz', 'casper/vmlinuz', 'install.a64/vmlinuz', 'install.386/vmlinuz']);
    const initrd = await firstFound(image, ['install.amd/initrd.gz', 'install/initrd.gz', 'casper/initrd', 'casper/initrd.lz', 'casper/initrd.gz', 'install.a64/initrd.gz', 'install.386/initrd.gz']);
    return { ...d, kernel, initrd, evidence: '.disk/info' };
  }
  const kernel = await firstFound(image, ['images/pxeboot/vmlinuz', 'casper/vmlinuz', 'install.amd/vmlinuz']);
  if (kernel) {
    return { distro: 'unknown', release: null, codename: null, arch: null, kernel, initrd: await firstFound(image, ['images/pxeboot/initrd.img', 'casper/initrd', 'install.amd/initrd.gz']), evidence: kernel };
  }
  return null;
}

/**
 * Inspects an opened image: volume, boot entries, what kind of media it is and, for
 * Windows install media, the editions in install.wim/esd/swm. Reads only the few
 * structures it needs.
 */
export async function inspectImage(image: MediaImage): Promise<InspectReport> {
  const warnings = [...image.warnings];
  let kind: MediaKind = 'other';
  let windows: WindowsInstallInfo | null = null;
  let langpacks: LangPackFile[] = [];
  let tools: InspectReport['tools'] = null;
  let linux: LinuxTree | null = null;

  for (const candidate of INSTALL_IMAGES) {
    const hit = await image.find(candidate.path);
    if (hit && !hit.node.isDirectory) {
      windows = await inspectWindows(image, hit, candidate.format);
      kind = 'windows-install';
      break;
    }
  }
  if (!windows) {
    const root = await image.list('/');
    langpacks = await findLangPacks(image);
    if (langpacks.length > 0) kind = 'windows-langpack';
    else if ((tools = recogniseTools(root.map((e) => e.name), image.label))) kind = 'guest-tools';
    else if ((linux = await findLinux(image))) kind = 'linux-installer';
  }

  return {
    source: image.source.description,
    size: image.source.size,
    volume: {
      label: image.label,
      fileSystems: image.fileSystems.map((f) => f.kind),
      preferred: image.fs.kind,
      udfRevision: image.udf?.revisionText ?? null,
      isoVolumeId: image.iso?.volumeId ?? null,
      systemId: image.iso?.systemId ?? null,
      applicationId: image.iso?.applicationId ?? null,
    },
    boot: image.boot,
    kind,
    windows,
    langpacks,
    tools,
    linux,
    bytesRead: image.bytesRead,
    warnings,
  };
}
