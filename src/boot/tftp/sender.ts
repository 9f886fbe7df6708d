/** Settings for one transfer's sender, decided by option negotiation. */
export interface SenderConfig {
  /** Index of the final DATA block (the short or empty one); blocks are numbered from 1. */
  lastBlock: number;
  windowsize: number;
  /** True when an OACK is sent first; it is block 0 and must be ACKed with 0 (RFC 2347). */
  oack: boolean;
  /** First retransmission timeout; doubles per consecutive timeout up to 8 times this. */
  timeoutMs: number;
  /** Consecutive timeouts tolerated before giving up. */
  retries: number;
}

/**
 * What to do next. `send` lists absolute block indices `from..to` inclusive (0 = the OACK);
 * the caller sends them all, then (re)arms its timer with `timeoutMs`. `idle` means ignore the
 * event and leave the timer as it is.
 */
export type SendPlan =
  | { kind: 'send'; from: number; to: number }
  | { kind: 'idle' }
  | { kind: 'done' }
  | { kind: 'give-up' };

const IDLE: SendPlan = { kind: 'idle' };

/** Maps an absolute block index to its wire number: u16 that wraps 65535 → 0, as tftp-hpa does. */
export function wireBlock(index: number): number {
  return index & 0xffff;
}

/**
 * The sending side of an RRQ transfer as a pure state machine (RFC 1350 + 2347 + 7440): it
 * turns ACKs and timeouts into block ranges to send. No sockets, clock or file access.
 *
 * Duplicate and stale ACKs never trigger a send, so a client that ACKs twice cannot double
 * the traffic (Sorcerer's Apprentice, RFC 1123 §4.2.3.1); only the timer retransmits.
 */
export class Sender {
  /** Lowest block not yet acknowledged. */
  base: number;
  /** Next block to send in the current pass. */
  next: number;
  /** Consecutive timeouts since the last progress. */
  retries = 0;
  /** Current retransmission timeout (backs off on timeouts, resets on progress). */
  timeoutMs: number;
  /** True once the final block is acknowledged. */
  done = false;

  constructor(readonly config: SenderConfig) {
    this.base = config.oack ? 0 : 1;
    this.next = this.base;
    this.timeoutMs = config.timeoutMs;
  }

  /** Highest index the window allows now: only the OACK while it is unacknowledged. */
  private windowEnd(): number {
    if (this.base === 0) return 0;
    return Math.min(this.base + this.config.windowsize - 1, this.config.lastBlock);
  }

  private sendWindow(): SendPlan {
    const from = this.next;
    const to = this.windowEnd();
    this.next = to + 1;
    return { kind: 'send', from, to };
  }

  /** The first packets: the OACK alone, or the first window of DATA. */
  start(): SendPlan {
    return this.sendWindow();
  }

  /**
   * An ACK with a wire block number. An ACK of block k inside the outstanding window
   * acknowledges everything up to k; if k is not the window's last block the client saw a
   * gap (RFC 7440 §4), so the window restarts at k+1. ACKs of base-1 (duplicates) or of
   * blocks never sent (stale, from before a wrap) are ignored.
   */
  ack(wire: number): SendPlan {
    if (this.done) return IDLE;
    const before = this.base - 1;
    const k = before + ((wire - before) & 0xffff);
    if (k === before || k >= this.next) return IDLE;
    this.base = k + 1;
    this.retries = 0;
    this.timeoutMs = this.config.timeoutMs;
    if (k >= this.config.lastBlock) {
      this.done = true;
      return { kind: 'done' };
    }
    this.next = this.base;
    return this.sendWindow();
  }

  /** The timer fired with no progress: resend the window from base with backoff, or give up. */
  timeout(): SendPlan {
    if (this.done) return IDLE;
    this.retries += 1;
    if (this.retries > this.config.retries) return { kind: 'give-up' };
    this.timeoutMs = Math.min(this.timeoutMs * 2, this.config.timeoutMs * 8);
    this.next = this.base;
    return this.sendWindow();
  }
}
