// What the test guest sends when its installed disk boots: a GET whose query carries what
// the guest configured. parseGuestReport turns that URL back into values for assertions.

/** The values of one first-boot report (GET <report URL or /guest/hello>?mac=…). */
export interface GuestReport {
  /** Path of the request, e.g. `/guest/hello` or the payload's report= path. */
  path: string;
  /** MAC of the interface the guest configured, lower case with colons. */
  mac: string;
  /** Hostname the guest set (payload hostname=, else DHCP's, else `vizor-guest`). */
  hostname: string;
  /** IPv4 address with prefix as `ip -4 addr` shows it, e.g. `10.77.0.21/24`. */
  ip: string;
  /** The payload's nonce= line, '' without one. */
  nonce: string;
  /** Always `disk`: the report comes from the installed disk. */
  mode: string;
  /** Where the payload was: `floppy`, `cd` or `none`. */
  source: 'floppy' | 'cd' | 'none';
  /** Names in the payload's root folder as the guest's kernel listed them. */
  files: string[];
  /** Every query parameter, including any the report= URL itself carried. */
  query: Record<string, string>;
}

/**
 * Parses a report URL (absolute, or path and query as a server saw it) into its values;
 * throws when it lacks the mac, ip or source parameter the guest always sends.
 */
export function parseGuestReport(url: string): GuestReport {
  const u = new URL(url, 'http://guest.invalid');
  const query = Object.fromEntries(u.searchParams.entries());
  const get = (k: string): string => query[k] ?? '';
  for (const k of ['mac', 'ip', 'source']) if (!(k in query)) throw new Error(`not a guest report (no ${k}=): ${url}`);
  const source = get('source');
  if (source !== 'floppy' && source !== 'cd' && source !== 'none') throw new Error(`guest report with source=${source}: ${url}`);
  return {
    path: u.pathname,
    mac: get('mac'),
    hostname: get('hostname'),
    ip: get('ip'),
    nonce: get('nonce'),
    mode: get('mode'),
    source,
    files: get('files') ? get('files').split(',') : [],
    query,
  };
}
