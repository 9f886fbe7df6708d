import type { Request } from 'express';

/** A Host header vizor will put into URLs it hands out: a name or IPv4 address, or a bracketed IPv6 address, with an optional port. */
export const HOST_HEADER = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-fA-F:]+\](:\d{1,5})?$/;

/** The Host header when it is one vizor accepts (see HOST_HEADER), else null. */
export function validHost(host: string | undefined): string | null {
  return host && HOST_HEADER.test(host) ? host : null;
}

/** The host part of a valid Host header, without the port (for SMB paths). */
export function hostWithoutPort(host: string): string {
  return host.replace(/:\d{1,5}$/, '');
}

/** The requester's address, IPv4-mapped IPv6 shown as plain IPv4. */
export function peerOf(req: Request): string {
  return (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
}
