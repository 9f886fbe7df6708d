import type { TftpOption } from './codec.js';

/** RFC 1350 block size, used when no blksize option is negotiated. */
export const TFTP_DEFAULT_BLKSIZE = 512;
/** RFC 2348 bounds for blksize (octets). */
export const TFTP_BLKSIZE_MIN = 8;
export const TFTP_BLKSIZE_MAX = 65464;
/** RFC 7440 bounds for windowsize (blocks). */
export const TFTP_WINDOWSIZE_MAX = 65535;
/** RFC 2349 bounds for timeout (seconds). */
export const TFTP_TIMEOUT_MIN = 1;
export const TFTP_TIMEOUT_MAX = 255;

/** The options vizor understands, validated; anything else lands in `ignored`. */
export interface RequestedOptions {
  blksize?: number;
  timeout?: number;
  tsize?: number;
  windowsize?: number;
  /** Accepted names, lower case, in the client's order (the OACK keeps it). */
  order: Array<'blksize' | 'timeout' | 'tsize' | 'windowsize'>;
  /** Names or `name=value` pairs that were unknown, repeated or invalid, for debug logs. */
  ignored: string[];
}

/** Server limits and file facts that decide what an OACK says. */
export interface NegotiationPolicy {
  maxBlksize: number;
  maxWindowsize: number;
  /** Bytes the client will receive (after netascii translation), or null if unknown. */
  size: number | null;
}

/** What a transfer will use, and the OACK options to send (empty = no OACK, RFC 1350 behaviour). */
export interface Negotiated {
  blksize: number;
  windowsize: number;
  /** Client-requested retransmission timeout in ms, or null to use the server default. */
  timeoutMs: number | null;
  oack: TftpOption[];
}

const DECIMAL = /^[0-9]{1,10}$/;

/** Minimum accepted value per option; an option below it is ignored, as RFC 2348/2349/7440 allow. */
const MINIMUM = { blksize: TFTP_BLKSIZE_MIN, timeout: TFTP_TIMEOUT_MIN, tsize: 0, windowsize: 1 } as const;

/** Validates RFC 2347 options: names case-insensitive, first occurrence wins, values decimal. */
export function parseOptions(options: readonly TftpOption[]): RequestedOptions {
  const out: RequestedOptions = { order: [], ignored: [] };
  for (const [rawName, value] of options) {
    const name = rawName.toLowerCase();
    if (!Object.hasOwn(MINIMUM, name)) {
      out.ignored.push(rawName);
      continue;
    }
    const key = name as keyof typeof MINIMUM;
    const n = DECIMAL.test(value) ? Number(value) : NaN;
    const tooBig = key === 'timeout' && n > TFTP_TIMEOUT_MAX;
    if (out[key] !== undefined || !(n >= MINIMUM[key]) || tooBig) {
      out.ignored.push(`${rawName}=${value}`);
      continue;
    }
    out[key] = n;
    out.order.push(key);
  }
  return out;
}

/**
 * Decides blksize, windowsize and timeout and builds the OACK. Requests above the server's
 * caps are lowered to the cap (RFC 2348 lets the server answer with a smaller blksize); tsize
 * is only acknowledged when the size is known and not zero.
 */
export function negotiate(req: RequestedOptions, policy: NegotiationPolicy): Negotiated {
  const blksize = req.blksize === undefined ? TFTP_DEFAULT_BLKSIZE : Math.min(req.blksize, policy.maxBlksize);
  const windowsize = req.windowsize === undefined ? 1 : Math.min(req.windowsize, policy.maxWindowsize);
  const timeoutMs = req.timeout === undefined ? null : req.timeout * 1000;
  const oack: TftpOption[] = [];
  for (const key of req.order) {
    if (key === 'blksize') oack.push(['blksize', String(blksize)]);
    else if (key === 'windowsize') oack.push(['windowsize', String(windowsize)]);
    else if (key === 'timeout') oack.push(['timeout', String(req.timeout)]);
    // tsize 0 is not acknowledged: curl (tftp.c, through 8.x) aborts on "invalid tsize -:0:-".
    else if (policy.size !== null && policy.size > 0) oack.push(['tsize', String(policy.size)]);
  }
  return { blksize, windowsize, timeoutMs, oack };
}
