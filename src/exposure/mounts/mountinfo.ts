import { readFile } from 'node:fs/promises';

/** One line of /proc/<pid>/mountinfo (proc(5)), with its escapes undone. */
export interface MountInfoEntry {
  readonly mountId: number;
  readonly parentId: number;
  /** major:minor of the device. */
  readonly device: string;
  /** The part of the file system mounted here ("/" for a whole file system). */
  readonly root: string;
  readonly mountPoint: string;
  readonly options: readonly string[];
  /** e.g. "fuse.vizor", "iso9660", "udf", "cifs". */
  readonly fsType: string;
  /** e.g. "vizor-isofs:win10", "/dev/loop3". */
  readonly source: string;
  readonly superOptions: readonly string[];
}

/** Undoes the kernel's octal escapes (\040 space, \011 tab, \012 newline, \134 backslash). */
function unescapeOctal(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8) & 0xff));
}

/**
 * Parses mountinfo. Given a Buffer, fields are read as bytes and decoded as UTF-8 after
 * unescaping, so non-ASCII mount points survive; malformed lines are skipped.
 */
export function parseMountInfo(data: Buffer | string): MountInfoEntry[] {
  const raw = typeof data !== 'string';
  const text = raw ? data.toString('latin1') : data;
  const field = (s: string): string => (raw ? Buffer.from(unescapeOctal(s), 'latin1').toString('utf8') : unescapeOctal(s));
  const out: MountInfoEntry[] = [];
  for (const line of text.split('\n')) {
    const parts = line.split(' ');
    const dash = parts.indexOf('-', 6);
    if (dash < 0 || parts.length < dash + 4) continue;
    const [id, parent, device, root, mountPoint, options] = parts;
    const mountId = Number(id);
    const parentId = Number(parent);
    if (!Number.isInteger(mountId) || !Number.isInteger(parentId)) continue;
    out.push({
      mountId,
      parentId,
      device: device!,
      root: field(root!),
      mountPoint: field(mountPoint!),
      options: options!.split(','),
      fsType: field(parts[dash + 1]!),
      source: field(parts[dash + 2]!),
      superOptions: parts.slice(dash + 3).join(' ').split(','),
    });
  }
  return out;
}

/** Reads this process's mount table. */
export async function readMountInfo(path = '/proc/self/mountinfo'): Promise<MountInfoEntry[]> {
  return parseMountInfo(await readFile(path));
}

/** True when `path` is `dir` or lies below it (both absolute, without trailing slashes). */
export function isBelow(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
}

/** File system types vizor's ISO mounts use: its FUSE helper and the kernel's ISO drivers. */
export function isIsoMount(e: MountInfoEntry): boolean {
  return e.fsType === 'fuse.vizor' || e.source.startsWith('vizor-isofs:') || e.fsType === 'iso9660' || e.fsType === 'udf';
}

/** vizor's ISO mounts at or below `dir`, deepest first (the order to unmount them in). */
export function isoMountsBelow(entries: readonly MountInfoEntry[], dir: string): MountInfoEntry[] {
  return entries
    .filter((e) => isIsoMount(e) && isBelow(e.mountPoint, dir))
    .sort((a, b) => b.mountPoint.length - a.mountPoint.length || b.mountId - a.mountId);
}
