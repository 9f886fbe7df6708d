import { isIP } from 'node:net';
import type { Logger } from '../../log/index.js';
import type { TftpMetrics } from '../../metrics/index.js';
import { TftpConfigError } from './errors.js';
import { TFTP_BLKSIZE_MAX, TFTP_BLKSIZE_MIN, TFTP_WINDOWSIZE_MAX } from './options.js';
import type { TftpGenerate, TftpPeer } from './request.js';
import type { TftpClock } from './transfer.js';

/** Kinds of TFTP events the server reports. */
export type TftpEventKind = 'tftp-start' | 'tftp-done' | 'tftp-error' | 'tftp-refused';

/** What an event is about: the file (root-relative, or the raw request when refused) and transfer facts. */
export interface TftpEventDetail {
  file: string;
  bytes?: number;
  blksize?: number;
  windowsize?: number;
  error?: string;
}

/** Receives progress events; the integrator maps peer IP → MAC through DHCP leases. */
export type TftpEventHandler = (peer: TftpPeer, kind: TftpEventKind, detail: TftpEventDetail) => void;

/** Options for TftpServer. */
export interface TftpServerOptions {
  /** Directory served; every request is jailed inside its real path. */
  root: string;
  /** Local IP address to bind; transfer sockets bind to the same address. */
  address: string;
  /** UDP port for requests (69; 0 picks a free one, for tests). */
  port: number;
  generate?: TftpGenerate;
  onEvent?: TftpEventHandler;
  log: Logger;
  /** Largest blksize granted (RFC 2348, 8..65464); default 1468 so DATA fits a 1500-byte MTU. */
  maxBlksize?: number;
  /** Largest windowsize granted (RFC 7440, 1..65535); default 64. */
  maxWindowsize?: number;
  /** First retransmission timeout in ms unless the client asks (RFC 2349); default 1000. */
  timeoutMs?: number;
  /** Consecutive timeouts before a transfer is abandoned; default 5. */
  retries?: number;
  /** Concurrent transfers before new requests are refused with ERROR 0; default 1000. */
  maxTransfers?: number;
  clock?: TftpClock;
  /** Transfer counters, bytes and durations; default the shared instruments behind /metrics. */
  metrics?: TftpMetrics;
}

/** TftpServerOptions with defaults applied and checked. */
export type TftpServerConfig = Required<Omit<TftpServerOptions, 'generate' | 'onEvent' | 'clock' | 'metrics'>> &
  Pick<TftpServerOptions, 'generate' | 'onEvent' | 'clock' | 'metrics'>;

function intIn(name: string, v: number, min: number, max: number, problems: string[]): void {
  if (!Number.isInteger(v) || v < min || v > max) problems.push(`${name} ${v} is not an integer in ${min}..${max}`);
}

/** Applies defaults and reports every impossible option at once in one TftpConfigError. */
export function checkTftpOptions(o: TftpServerOptions): TftpServerConfig {
  const c: TftpServerConfig = {
    maxBlksize: 1468,
    maxWindowsize: 64,
    timeoutMs: 1000,
    retries: 5,
    maxTransfers: 1000,
    ...o,
  };
  const problems: string[] = [];
  if (typeof c.root !== 'string' || c.root === '') problems.push('root is required');
  if (isIP(c.address) === 0) problems.push(`address ${JSON.stringify(c.address)} is not an IP address`);
  intIn('port', c.port, 0, 65535, problems);
  intIn('maxBlksize', c.maxBlksize, TFTP_BLKSIZE_MIN, TFTP_BLKSIZE_MAX, problems);
  intIn('maxWindowsize', c.maxWindowsize, 1, TFTP_WINDOWSIZE_MAX, problems);
  intIn('timeoutMs', c.timeoutMs, 1, 255_000, problems);
  intIn('retries', c.retries, 0, 100, problems);
  intIn('maxTransfers', c.maxTransfers, 1, 1_000_000, problems);
  if (problems.length > 0) throw new TftpConfigError(`tftp server options: ${problems.join('; ')}`);
  return c;
}
