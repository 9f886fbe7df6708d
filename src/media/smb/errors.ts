import { constants } from 'node:os';
import { VizorError } from '../../errors.js';

/** Stable codes of every SMB failure. */
export type SmbErrorCode =
  | 'SMB_AUTH'
  | 'SMB_UNREACHABLE'
  | 'SMB_NO_SHARE'
  | 'SMB_NOT_FOUND'
  | 'SMB_ACCESS'
  | 'SMB_IO'
  | 'SMB_NATIVE_MISSING';

/** An SMB operation failed; `code` says why. Messages name host, share and path, never the password. */
export class SmbError extends VizorError {
  constructor(
    readonly code: SmbErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Whether a failure happened while connecting (share root check) or on a later call. */
export type SmbPhase = 'connect' | 'call';

const UNREACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ETIMEDOUT', 'ENETUNREACH', 'EHOSTDOWN', 'EADDRNOTAVAIL']);
/** Connection-level failures that, before any share access, mean the server could not be talked to. */
const UNREACHABLE_ON_CONNECT = new Set(['ECONNRESET', 'ECONNABORTED', 'EPIPE']);

const HINT: Record<SmbErrorCode, string> = {
  SMB_AUTH: 'logon failed (check domain, user and password)',
  SMB_UNREACHABLE: 'server unreachable',
  SMB_NO_SHARE: 'no such share',
  SMB_NOT_FOUND: 'no such file or directory',
  SMB_ACCESS: 'access denied',
  SMB_IO: 'i/o error',
  SMB_NATIVE_MISSING: 'native addon missing',
};

/** The symbolic name of an errno value, e.g. 2 -> "ENOENT". */
export function errnoName(errno: number): string {
  for (const [name, value] of Object.entries(constants.errno)) if (value === errno) return name;
  return `errno ${errno}`;
}

/** Maps an errno name from libsmbclient to an SmbErrorCode; the phase decides what ENOENT means. */
export function codeForErrno(name: string, phase: SmbPhase): SmbErrorCode {
  if (UNREACHABLE.has(name) || (phase === 'connect' && UNREACHABLE_ON_CONNECT.has(name))) return 'SMB_UNREACHABLE';
  if (name === 'EPERM') return 'SMB_AUTH';
  if (name === 'EACCES') return phase === 'connect' ? 'SMB_AUTH' : 'SMB_ACCESS';
  if (name === 'ENOENT' || name === 'ENOTDIR') return phase === 'connect' ? 'SMB_NO_SHARE' : 'SMB_NOT_FOUND';
  if (name === 'ENODEV' || name === 'ENXIO') return 'SMB_NO_SHARE';
  return 'SMB_IO';
}

/** Builds the SmbError for a failed native call on `where` (an smb:// URL without credentials). */
export function smbErrorFromErrno(errno: number, detail: string, where: string, phase: SmbPhase): SmbError {
  const name = errnoName(errno);
  const code = codeForErrno(name, phase);
  return new SmbError(code, `${where}: ${HINT[code]}: ${detail} (${name})`);
}

/** The error for a build without the native addon. */
export function nativeMissingError(detail: string): SmbError {
  return new SmbError(
    'SMB_NATIVE_MISSING',
    `smb: the native addon (build/Release/vizor_smb.node) is not available: ${detail}; ` +
      'install the Debian package libsmbclient-dev (and pkg-config) and run npm ci',
  );
}
