import { constants, promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { TftpAccessError, TftpNotFoundError } from './errors.js';

/** Longest requested name accepted, in UTF-16 units; longer ones are refused before touching disk. */
export const TFTP_MAX_NAME = 1024;

// C0 controls, DEL and C1 controls: never part of a file a boot loader should fetch.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Turns a requested name into a path relative to the root, or throws TftpAccessError.
 * Backslashes become slashes (Windows Boot Manager asks for `\Boot\BCD`), leading slashes are
 * stripped so `/undionly.kpxe` means `<root>/undionly.kpxe`, empty and `.` segments vanish,
 * and any `..` segment is refused outright rather than resolved.
 */
export function jailPath(requested: string): string {
  if (requested.length > TFTP_MAX_NAME) throw new TftpAccessError(requested, `name longer than ${TFTP_MAX_NAME} characters`);
  if (CONTROL.test(requested)) throw new TftpAccessError(requested, 'name contains NUL or control characters');
  const segments = requested.replaceAll('\\', '/').split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) throw new TftpAccessError(requested, 'name contains a .. segment');
  if (segments.length === 0) throw new TftpAccessError(requested, 'name is empty or names the root');
  return segments.join('/');
}

/** True when `real` is `realRoot` itself or below it (both already resolved by realpath). */
export function isInside(realRoot: string, real: string): boolean {
  const rel = relative(realRoot, real);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

function fsCode(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : 'unknown';
}

/** Maps an fs error while resolving or opening `rel` to the refusal the client gets. */
function refusal(rel: string, err: unknown): TftpAccessError | TftpNotFoundError {
  const code = fsCode(err);
  if (code === 'EACCES' || code === 'EPERM' || code === 'ELOOP') {
    return new TftpAccessError(rel, `cannot open ${rel}: ${code}`, { cause: err });
  }
  return new TftpNotFoundError(rel, `no such file: ${rel} (${code})`, { cause: err });
}

/** An open regular file inside the root, ready for positional reads. */
export interface JailedFile {
  handle: FileHandle;
  size: number;
  /** The resolved path that was opened. */
  realPath: string;
}

/**
 * Resolves `rel` (from jailPath) under `realRoot` following symlinks, refuses results outside
 * the root, and opens the resolved file with O_NOFOLLOW (so the last component cannot be
 * swapped for a symlink after the check) and O_NONBLOCK (so a FIFO cannot stall the server).
 * Only regular files are served.
 */
export async function openInRoot(realRoot: string, rel: string): Promise<JailedFile> {
  let realPath: string;
  try {
    realPath = await fs.realpath(join(realRoot, rel));
  } catch (err) {
    throw refusal(rel, err);
  }
  if (!isInside(realRoot, realPath)) {
    throw new TftpAccessError(rel, `${rel} resolves to ${realPath}, outside the root ${realRoot}`);
  }
  let handle: FileHandle;
  try {
    handle = await fs.open(realPath, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    throw refusal(rel, err);
  }
  try {
    const st = await handle.stat();
    if (st.isDirectory()) throw new TftpNotFoundError(rel, `${rel} is a directory`);
    if (!st.isFile()) throw new TftpAccessError(rel, `${rel} is not a regular file`);
    return { handle, size: st.size, realPath };
  } catch (err) {
    await handle.close().catch(() => undefined);
    throw err;
  }
}
