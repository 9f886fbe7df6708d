import { SourceUrlError } from './errors.js';

/** A parsed source location. Never holds a password. */
export type SourceLocation =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'smb'; readonly host: string; readonly port: number | null; readonly share: string; readonly path: string; readonly domain: string | null; readonly user: string | null }
  | { readonly kind: 'nfs'; readonly host: string; readonly exportPath: string };

/** The result of parsing: the location, its canonical URL, and a password if the URL carried one. */
export interface ParsedSourceUrl {
  readonly location: SourceLocation;
  /** The URL as stored: no password, normalised. */
  readonly url: string;
  /** A password found in the URL (moved to the secrets store by the caller). */
  readonly password: string | null;
}

function decode(part: string, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new SourceUrlError(`bad percent-encoding in the ${what} of the source URL`);
  }
}

function cleanPath(p: string): string {
  const parts = p.split('/').filter((x) => x !== '' && x !== '.');
  if (parts.includes('..')) throw new SourceUrlError('source path may not contain ".."');
  return parts.join('/');
}

/**
 * Parses `file:///path`, `smb://[domain;]user@host[:port]/share/path` and
 * `nfs://host/export/path`. A password in the URL is returned separately and dropped
 * from the stored URL.
 */
export function parseSourceUrl(raw: string): ParsedSourceUrl {
  const m = /^([a-z]+):\/\/([^/]*)(\/.*)?$/i.exec(raw.trim());
  if (!m) throw new SourceUrlError(`not a source URL: expected file:///path, smb://user@host/share/path or nfs://host/export/path`);
  const scheme = m[1]!.toLowerCase();
  const authority = m[2]!;
  const rest = m[3] ?? '/';
  if (scheme === 'file') {
    if (authority !== '' && authority !== 'localhost') throw new SourceUrlError('file URLs name a local path: file:///srv/isos');
    const path = `/${cleanPath(decode(rest, 'path'))}`;
    return { location: { kind: 'file', path }, url: `file://${encodeURI(path)}`, password: null };
  }
  if (scheme !== 'smb' && scheme !== 'nfs') throw new SourceUrlError(`unsupported scheme "${scheme}:": use file, smb or nfs`);

  const at = authority.lastIndexOf('@');
  const userinfo = at >= 0 ? authority.slice(0, at) : '';
  const hostport = at >= 0 ? authority.slice(at + 1) : authority;
  const hp = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(hostport);
  if (!hp) throw new SourceUrlError(`bad host in source URL: "${hostport}"`);
  const host = hp[1]!;
  const port = hp[2] ? Number(hp[2]) : null;
  if (port !== null && (port < 1 || port > 65535)) throw new SourceUrlError(`bad port ${port}`);
  const segments = cleanPath(decode(rest, 'path')).split('/').filter(Boolean);

  if (scheme === 'nfs') {
    if (userinfo) throw new SourceUrlError('nfs URLs carry no user name');
    if (segments.length === 0) throw new SourceUrlError('nfs URL needs an export path: nfs://host/export/path');
    const exportPath = `/${segments.join('/')}`;
    return { location: { kind: 'nfs', host, exportPath }, url: `nfs://${host}${port ? `:${port}` : ''}${encodeURI(exportPath)}`, password: null };
  }

  let domain: string | null = null;
  let user: string | null = null;
  let password: string | null = null;
  if (userinfo) {
    const colon = userinfo.indexOf(':');
    let who = colon >= 0 ? userinfo.slice(0, colon) : userinfo;
    if (colon >= 0) password = decode(userinfo.slice(colon + 1), 'password');
    who = decode(who, 'user');
    const semi = who.indexOf(';');
    if (semi >= 0) {
      domain = who.slice(0, semi) || null;
      who = who.slice(semi + 1);
    }
    user = who || null;
  }
  const share = segments[0];
  if (!share) throw new SourceUrlError('smb URL needs a share: smb://user@host/share/path');
  const path = segments.slice(1).join('/');
  const who = user ? `${domain ? `${encodeURIComponent(domain)};` : ''}${encodeURIComponent(user)}@` : '';
  const url = `smb://${who}${host}${port ? `:${port}` : ''}/${encodeURIComponent(share)}${path ? `/${encodeURI(path)}` : ''}`;
  return { location: { kind: 'smb', host, port, share, path, domain, user }, url, password };
}
