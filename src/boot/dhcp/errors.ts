import { VizorError } from '../../errors.js';

/** A datagram is not a well-formed DHCPv4/BOOTP message; the message says what was wrong. */
export class DhcpDecodeError extends VizorError {
  readonly code = 'DHCP_DECODE' as const;
}

/** A packet cannot be encoded (e.g. an option value that is not bytes). */
export class DhcpEncodeError extends VizorError {
  readonly code = 'DHCP_ENCODE' as const;
}

/** DhcpServer options that cannot work (pool outside the subnet, no interfaces, ...). */
export class DhcpConfigError extends VizorError {
  readonly code = 'DHCP_CONFIG' as const;
}

/** A DHCP socket could not be opened, bound or used; the message says which and how to fix it. */
export class DhcpSocketError extends VizorError {
  readonly code = 'DHCP_SOCKET' as const;
}

const HINTS: Record<string, string> = {
  EACCES: 'run as root or grant CAP_NET_BIND_SERVICE and CAP_NET_RAW',
  EPERM: 'run as root or grant CAP_NET_RAW (SO_BINDTODEVICE)',
  EADDRINUSE: 'another DHCP server running?',
  ENODEV: 'no such network interface',
  EADDRNOTAVAIL: 'the address is not configured on this host',
};

/** Builds the error for a failed bind, e.g. `bind udp/67 on br0: EADDRINUSE (another DHCP server running?)`. */
export function bindError(port: number, where: string, err: unknown): DhcpSocketError {
  const code = (err as { code?: unknown } | null)?.code;
  const name = typeof code === 'string' ? code : err instanceof Error ? err.message : String(err);
  const hint = HINTS[name];
  return new DhcpSocketError(`bind udp/${port} on ${where}: ${name}${hint ? ` (${hint})` : ''}`, { cause: err });
}
