import { SmbError } from './errors.js';

/** Where an SMB client connects; the password stays in memory and never reaches a message. */
export interface SmbTarget {
  host: string;
  port?: number;
  share: string;
  domain?: string;
  user?: string;
  password?: string;
  /** 'required' (default) refuses unsigned sessions; 'if-required' signs only when the server demands it. */
  signing?: 'required' | 'if-required';
  /** Per-request timeout in milliseconds (libsmbclient's; default 20000). */
  timeoutMs?: number;
}

/** The parts of a target that may be shown: no credentials. */
export interface SmbLocation {
  readonly host: string;
  readonly port: number;
  readonly share: string;
}

/** The default SMB port (direct TCP, no NetBIOS). */
export const SMB_PORT = 445;

/** Checks host, port and share; returns the displayable location. */
export function checkTarget(target: SmbTarget): SmbLocation {
  const port = target.port ?? SMB_PORT;
  if (!target.host || /[/\\@;:\s]/.test(target.host)) {
    throw new SmbError('SMB_UNREACHABLE', `smb: invalid host "${target.host}" (a name or IPv4 address, no port)`);
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new SmbError('SMB_UNREACHABLE', `smb: invalid port ${port} for ${target.host}`);
  }
  if (!target.share || /[/\\]/.test(target.share)) {
    throw new SmbError('SMB_NO_SHARE', `smb: invalid share name "${target.share}" on ${target.host}`);
  }
  return { host: target.host, port, share: target.share };
}

/** Splits a share-relative path ("a/b", "/a\\b") into segments; rejects "." and "..". */
export function pathSegments(path: string): string[] {
  const segments = path.split(/[/\\]+/).filter((s) => s !== '');
  if (segments.some((s) => s === '.' || s === '..')) {
    throw new SmbError('SMB_NOT_FOUND', `smb: path "${path}" must not contain "." or ".." segments`);
  }
  return segments;
}

/** The URL libsmbclient opens: each segment percent-encoded, the port set on the context instead. */
export function smbUrl(location: SmbLocation, path: string): string {
  const tail = pathSegments(path).map(encodeURIComponent).join('/');
  return `smb://${location.host}/${encodeURIComponent(location.share)}/${tail}`;
}

/** The human-readable form of a path on a location, e.g. smb://host:1445/share/dir/file. */
export function smbDescription(location: SmbLocation, path: string): string {
  const port = location.port === SMB_PORT ? '' : `:${location.port}`;
  return `smb://${location.host}${port}/${location.share}/${pathSegments(path).join('/')}`;
}
