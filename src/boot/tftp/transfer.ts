import type { Socket, RemoteInfo } from 'node:dgram';
import type { Logger } from '../../log/index.js';
import { decodeTftp, encodeData, encodeError } from './codec.js';
import { TftpErrorCode, TftpIoError } from './errors.js';
import { Sender, wireBlock, type SendPlan } from './sender.js';
import { lastBlockFor, type BlockSource } from './source.js';

/** Time source for retransmission timers; tests pass a fake one. */
export interface TftpClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real clock: performance.now() and global timers (unref'd, so they never keep node alive). */
export const systemClock: TftpClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** How a transfer ended: all bytes acknowledged, or why not. */
export type TransferResult = { ok: true; bytes: number } | { ok: false; error: string };

/** Everything one transfer needs; the socket is already bound to its own ephemeral port. */
export interface TransferOptions {
  socket: Socket;
  peer: { address: string; port: number };
  source: BlockSource;
  blksize: number;
  windowsize: number;
  /** Encoded OACK to send as block 0, or null to start with DATA 1. */
  oack: Buffer | null;
  timeoutMs: number;
  retries: number;
  clock: TftpClock;
  log: Logger;
  onEnd: (result: TransferResult) => void;
}

/**
 * One RRQ transfer: feeds ACKs, ERRORs and timer expiries to a Sender and carries out its
 * plans on the socket. Packets from any other address or port get ERROR 5 (RFC 1350 §4);
 * undecodable or unexpected packets from the peer are dropped.
 */
export class Transfer {
  private readonly sender: Sender;
  private readonly lastBlock: number;
  private timer: unknown = null;
  private deadline = 0;
  private busy = false;
  private readonly queue: SendPlan[] = [];
  private ended = false;
  private closing: Promise<void> | null = null;

  constructor(private readonly o: TransferOptions) {
    this.lastBlock = lastBlockFor(o.source.size, o.blksize);
    this.sender = new Sender({ lastBlock: this.lastBlock, windowsize: o.windowsize, oack: o.oack !== null, timeoutMs: o.timeoutMs, retries: o.retries });
    o.socket.on('message', (msg, rinfo) => this.onMessage(msg, rinfo));
    o.socket.on('error', (err) => this.finish({ ok: false, error: `socket error: ${err.message}` }));
  }

  /** Sends the OACK or the first window and arms the timer. */
  start(): void {
    this.run(this.sender.start());
  }

  /** Ends the transfer now (server shutdown); resolves once the socket and file are closed. */
  stop(reason: string): Promise<void> {
    this.finish({ ok: false, error: reason });
    return this.closing ?? Promise.resolve();
  }

  private onMessage(msg: Buffer, rinfo: RemoteInfo): void {
    if (this.ended) return;
    const { peer, socket } = this.o;
    if (rinfo.port !== peer.port || rinfo.address !== peer.address) {
      // Never answer an ERROR with an ERROR, so two confused endpoints cannot loop.
      if (msg.length >= 2 && msg.readUInt16BE(0) === 5) return;
      socket.send(encodeError(TftpErrorCode.UnknownTid, 'unknown transfer ID'), rinfo.port, rinfo.address, ignore);
      return;
    }
    let p;
    try {
      p = decodeTftp(msg);
    } catch (err) {
      this.o.log.debug({ err }, 'tftp: dropped undecodable packet from peer');
      return;
    }
    if (p.op === 'ack') this.run(this.sender.ack(p.block));
    else if (p.op === 'error') {
      const what = this.sender.base <= 1 && this.o.oack ? 'client aborted after OACK' : 'client sent ERROR';
      this.finish({ ok: false, error: `${what} (code ${p.code}: ${p.message})` });
    } else this.o.log.debug({ op: p.op }, 'tftp: dropped unexpected packet from peer');
  }

  private run(plan: SendPlan): void {
    if (this.ended) return;
    if (plan.kind === 'idle') return;
    if (plan.kind === 'done') return this.finish({ ok: true, bytes: this.o.source.size });
    if (plan.kind === 'give-up') {
      return this.finish({ ok: false, error: `timed out after ${this.o.retries} retransmissions` });
    }
    this.deadline = this.o.clock.now() + this.sender.timeoutMs;
    this.timer ??= this.o.clock.setTimeout(() => this.onTimer(), this.sender.timeoutMs);
    if (this.busy) this.queue.push(plan);
    else this.send(plan.from, plan.to);
  }

  /** Sends blocks from..to, synchronously while blocks are in memory; waits for disk otherwise. */
  private send(from: number, to: number): void {
    const { socket, peer } = this.o;
    for (let i = from; i <= to; i++) {
      if (this.ended) return;
      if (i === 0) {
        socket.send(this.o.oack as Buffer, peer.port, peer.address, ignore);
        continue;
      }
      const block = this.o.source.block(i);
      if (block instanceof Promise) {
        this.busy = true;
        block.then(
          (buf) => {
            this.busy = false;
            if (this.sendData(i, buf)) this.send(i + 1, to);
            this.drain();
          },
          (err: unknown) => this.fail(err),
        );
        return;
      }
      if (!this.sendData(i, block)) return;
    }
  }

  private drain(): void {
    while (!this.busy && !this.ended) {
      const next = this.queue.shift();
      if (next?.kind !== 'send') return;
      this.send(next.from, next.to);
    }
  }

  private sendData(i: number, buf: Buffer): boolean {
    if (this.ended) return false;
    const { blksize, source } = this.o;
    const want = i < this.lastBlock ? blksize : source.size - (this.lastBlock - 1) * blksize;
    if (buf.length !== want) {
      this.fail(new TftpIoError(`block ${i} has ${buf.length} bytes, expected ${want}: file changed during transfer`));
      return false;
    }
    // No callback: a failed send surfaces as the socket's 'error' event, which ends the transfer.
    this.o.socket.send(encodeData(wireBlock(i), buf), this.o.peer.port, this.o.peer.address);
    return true;
  }

  private onTimer(): void {
    this.timer = null;
    if (this.ended) return;
    const left = this.deadline - this.o.clock.now();
    if (left > 0) this.timer = this.o.clock.setTimeout(() => this.onTimer(), left);
    else this.run(this.sender.timeout());
  }

  private fail(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    if (!this.ended) this.o.socket.send(encodeError(TftpErrorCode.NotDefined, message), this.o.peer.port, this.o.peer.address, ignore);
    this.finish({ ok: false, error: message });
  }

  private finish(result: TransferResult): void {
    if (this.ended) return;
    this.ended = true;
    if (this.timer !== null) this.o.clock.clearTimeout(this.timer);
    this.timer = null;
    const closeSocket = new Promise<void>((resolve) => {
      try {
        this.o.socket.close(resolve);
      } catch {
        resolve();
      }
    });
    this.closing = Promise.all([closeSocket, this.o.source.close().catch(() => undefined)]).then(() => undefined);
    this.o.onEnd(result);
  }
}

function ignore(): void {}
