import type { Extent } from '../../media/index.js';
import type { SmbTarget } from '../../media/smb/index.js';
import { MountError } from './errors.js';

/**
 * The manifest vizor-isofs reads on stdin (format version 1). Plain ASCII lines, fields
 * separated by one space; every string field is percent-encoded (all bytes but
 * A-Z a-z 0-9 . _ ~ - become %XX of their UTF-8), so names may hold any byte except NUL
 * and '/':
 *
 *     vizor-isofs 1
 *     name <key>                           1-64 of A-Z a-z 0-9 . _ -  (fsname vizor-isofs:<key>)
 *     backing-file <path> <size>           or: backing-smb <smb://host/share/path> <size>
 *     smb-port <n> | smb-timeout <ms> | smb-signing required|if-required
 *     smb-domain <s> | smb-user <s> | smb-password <s> | smb-config <path>
 *     root <mtime-ms>
 *     dir <parent> <mtime-ms> <name>
 *     file <parent> <size> <mtime-ms> <extent-count> <name>
 *       data <offset> <length> | zero <length> | inline <hex>     (extent-count lines)
 *     link <parent> <mtime-ms> <name> <target>
 *     end
 *
 * Node ids count from the root (0) in the order of the lines; a parent is an earlier dir.
 * Credentials travel only here, never in argv or the environment.
 */
export const MANIFEST_VERSION = 1;

/** Where the helper reads the image's bytes: a local file, or a file on an SMB share. */
export type MountBacking =
  | { readonly kind: 'file'; readonly path: string }
  | {
      readonly kind: 'smb';
      readonly target: SmbTarget;
      /** Path of the image relative to the share root. */
      readonly path: string;
      /** libsmbclient configuration to load (vizor's native/smbclient.conf). */
      readonly configFile?: string;
    };

/** One directory, file or symbolic link below the root of a manifest. */
export type ManifestNode =
  | { readonly kind: 'dir'; readonly parent: number; readonly name: string; readonly mtimeMs: number }
  | {
      readonly kind: 'file';
      readonly parent: number;
      readonly name: string;
      readonly mtimeMs: number;
      readonly size: number;
      readonly extents: readonly Extent[];
    }
  | { readonly kind: 'link'; readonly parent: number; readonly name: string; readonly mtimeMs: number; readonly target: string };

/** Everything vizor-isofs needs to mount one image. */
export interface IsoManifest {
  /** Mount name (the ISO key), shown as the source vizor-isofs:<name> in mountinfo. */
  readonly name: string;
  readonly backing: MountBacking;
  /** Size of the backing image; the helper refuses to mount if the image's size differs. */
  readonly backingSize: number;
  readonly rootMtimeMs: number;
  /** Node i has id i + 1 (the root is 0); every parent comes before its children. */
  readonly nodes: readonly ManifestNode[];
}

/** Names the helper accepts as mount names (and the manager as ISO keys). */
export const MOUNT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** Longest file name in bytes (Linux NAME_MAX). */
export const MAX_NAME_BYTES = 255;
/** Longest symbolic link target in bytes. */
export const MAX_LINK_TARGET_BYTES = 4095;

const UNRESERVED = /^[A-Za-z0-9._~-]$/;

/**
 * Percent-encodes the UTF-8 bytes of a string (or raw bytes) for one manifest field;
 * paths may keep their "/" readable (names never hold one).
 */
export function encodeField(value: string | Buffer, keepSlash = false): string {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  let out = '';
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    out += b < 0x80 && (UNRESERVED.test(c) || (keepSlash && c === '/')) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Why a name cannot be a file name in the mount, or null when it can. */
export function nameProblem(name: string): string | null {
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes === 0) return 'empty name';
  if (bytes > MAX_NAME_BYTES) return `name longer than ${MAX_NAME_BYTES} bytes`;
  if (name === '.' || name === '..') return 'name "." or ".."';
  if (name.includes('/') || name.includes('\0')) return 'name contains "/" or NUL';
  return null;
}

function invalid(message: string): MountError {
  return new MountError('MOUNT_INVALID', `manifest: ${message}`);
}

function checkCount(value: number, what: string, max = Number.MAX_SAFE_INTEGER): string {
  if (!Number.isSafeInteger(value) || value < 0 || value > max) throw invalid(`${what} ${value} is not a byte count`);
  return String(value);
}

function checkTime(value: number, what: string): string {
  if (!Number.isSafeInteger(value) || Math.abs(value) > 8.64e15) throw invalid(`${what} has a bad time ${value}`);
  return String(value);
}

/** The backing lines; the SMB URL holds no credentials (they get their own lines). */
function backingLines(m: IsoManifest): string[] {
  const size = checkCount(m.backingSize, 'backing size');
  const b = m.backing;
  if (b.kind === 'file') {
    if (!b.path.startsWith('/') || b.path.includes('\0')) throw invalid(`backing path must be absolute: ${b.path}`);
    return [`backing-file ${encodeField(b.path, true)} ${size}`];
  }
  const t = b.target;
  if (!t.host || /[/\\@;:\s]/.test(t.host) || !t.share || /[/\\]/.test(t.share)) throw invalid('bad SMB host or share');
  const segments = b.path.split(/[/\\]+/).filter((s) => s !== '');
  if (segments.length === 0 || segments.some((s) => s === '.' || s === '..')) throw invalid(`bad SMB path ${b.path}`);
  const url = `smb://${t.host}/${encodeURIComponent(t.share)}/${segments.map(encodeURIComponent).join('/')}`;
  const lines = [`backing-smb ${encodeField(url, true)} ${size}`, `smb-port ${checkCount(t.port ?? 445, 'SMB port', 65535)}`];
  lines.push(`smb-timeout ${checkCount(t.timeoutMs ?? 20_000, 'SMB timeout', 3_600_000)}`);
  lines.push(`smb-signing ${t.signing === 'if-required' ? 'if-required' : 'required'}`);
  for (const [key, value] of [['smb-domain', t.domain], ['smb-user', t.user], ['smb-password', t.password], ['smb-config', b.configFile]] as const) {
    if (value === undefined || value === '') continue;
    if (value.includes('\0')) throw invalid(`${key} contains NUL`);
    lines.push(`${key} ${encodeField(value, key === 'smb-config')}`);
  }
  return lines;
}

function extentLines(file: Extract<ManifestNode, { kind: 'file' }>, backingSize: number, where: string): string[] {
  const lines: string[] = [];
  let covered = 0;
  for (const e of file.extents) {
    checkCount(e.length, `${where}: extent length`);
    if (e.length === 0) throw invalid(`${where}: empty extent`);
    covered += e.length;
    if (e.kind === 'data') {
      if (e.sourceOffset + e.length > backingSize) throw invalid(`${where}: extent at ${e.sourceOffset} lies outside the image`);
      lines.push(`data ${checkCount(e.sourceOffset, `${where}: extent offset`)} ${e.length}`);
    } else if (e.kind === 'zero') {
      lines.push(`zero ${e.length}`);
    } else {
      if (e.data.length < e.length) throw invalid(`${where}: inline extent holds fewer bytes than its length`);
      lines.push(`inline ${e.data.subarray(0, e.length).toString('hex')}`);
    }
  }
  if (covered < file.size) throw invalid(`${where}: extents cover ${covered} bytes of ${file.size}`);
  return lines;
}

/**
 * Encodes a manifest after checking it as strictly as the helper will (parents,
 * names, duplicates, extents inside the image, sizes covered), so a bad one fails here
 * with MOUNT_INVALID rather than in the child. The text holds the SMB password: never log it.
 */
export function encodeManifest(m: IsoManifest): string {
  if (!MOUNT_NAME.test(m.name)) throw invalid(`mount name "${m.name}" must be 1-64 of A-Z a-z 0-9 . _ - (starting with a letter or digit)`);
  const lines = [`vizor-isofs ${MANIFEST_VERSION}`, `name ${m.name}`, ...backingLines(m), `root ${checkTime(m.rootMtimeMs, 'root')}`];
  const isDir: boolean[] = [true];
  const names = new Map<number, Set<string>>();
  m.nodes.forEach((n, i) => {
    const where = `node ${i + 1} (${JSON.stringify(n.name)})`;
    if (!Number.isInteger(n.parent) || n.parent < 0 || n.parent > i || !isDir[n.parent]) throw invalid(`${where}: parent ${n.parent} is not an earlier directory`);
    const problem = nameProblem(n.name);
    if (problem) throw invalid(`${where}: ${problem}`);
    const siblings = names.get(n.parent) ?? new Set<string>();
    const key = encodeField(n.name);
    if (siblings.has(key)) throw invalid(`${where}: duplicate name in its directory`);
    siblings.add(key);
    names.set(n.parent, siblings);
    isDir.push(n.kind === 'dir');
    const name = encodeField(n.name);
    const mtime = checkTime(n.mtimeMs, where);
    if (n.kind === 'dir') lines.push(`dir ${n.parent} ${mtime} ${name}`);
    else if (n.kind === 'link') {
      const bytes = Buffer.byteLength(n.target, 'utf8');
      if (bytes === 0 || bytes > MAX_LINK_TARGET_BYTES || n.target.includes('\0')) throw invalid(`${where}: bad link target`);
      lines.push(`link ${n.parent} ${mtime} ${name} ${encodeField(n.target, true)}`);
    } else {
      const extents = extentLines(n, m.backingSize, where);
      lines.push(`file ${n.parent} ${checkCount(n.size, `${where}: size`)} ${mtime} ${extents.length} ${name}`, ...extents);
    }
  });
  lines.push('end');
  return `${lines.join('\n')}\n`;
}
