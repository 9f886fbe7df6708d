import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:dgram';
import { pino } from 'pino';
import { decodeTftp, encodeAck, encodeError, encodeOack, type TftpPacket } from '../../../../src/boot/tftp/codec.js';
import { bufferSource } from '../../../../src/boot/tftp/source.js';
import { Transfer, type TftpClock, type TransferResult } from '../../../../src/boot/tftp/transfer.js';

/** A dgram Socket stand-in that records what is sent. */
class FakeSocket extends EventEmitter {
  sent: { packet: TftpPacket; port: number }[] = [];
  closed = false;
  send(buf: Buffer, port: number, _address: string, cb?: () => void): void {
    this.sent.push({ packet: decodeTftp(buf), port });
    cb?.();
  }
  close(cb?: () => void): void {
    this.closed = true;
    cb?.();
  }
  /** Delivers a packet as if from `port` on 127.0.0.1. */
  deliver(buf: Buffer, port = PEER.port): void {
    this.emit('message', buf, { address: '127.0.0.1', port, family: 'IPv4', size: buf.length });
  }
  take(): string[] {
    const out = this.sent.map(({ packet: p, port }) => (p.op === 'data' ? `DATA ${p.block}/${p.data.length}` : p.op === 'error' ? `ERROR ${p.code}${port === PEER.port ? '' : `→${port}`}` : p.op.toUpperCase()));
    this.sent = [];
    return out;
  }
}

/** A manual clock: `advance(ms)` fires due timers in order. */
class FakeClock implements TftpClock {
  t = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();
  private id = 0;
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number) => {
    this.timers.set(++this.id, { at: this.t + ms, fn });
    return this.id;
  };
  clearTimeout = (h: unknown) => void this.timers.delete(h as number);
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, v]) => v.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = due[1].at;
      due[1].fn();
    }
    this.t = end;
  }
}

const PEER = { address: '127.0.0.1', port: 40000 };

function setup(size: number, o: { windowsize?: number; oack?: boolean; retries?: number } = {}) {
  const socket = new FakeSocket();
  const clock = new FakeClock();
  const results: TransferResult[] = [];
  const transfer = new Transfer({
    socket: socket as unknown as Socket,
    peer: PEER,
    source: bufferSource(Buffer.alloc(size, 7), 512, false),
    blksize: 512,
    windowsize: o.windowsize ?? 1,
    oack: o.oack ? encodeOack([['tsize', String(size)]]) : null,
    timeoutMs: 100,
    retries: o.retries ?? 2,
    clock,
    log: pino({ level: 'silent' }),
    onEnd: (r) => results.push(r),
  });
  return { socket, clock, results, transfer };
}

describe('Transfer (fake socket and clock)', () => {
  test('lock-step transfer ends on the final ACK and closes the socket', () => {
    const { socket, results, transfer } = setup(1000);
    transfer.start();
    assert.deepEqual(socket.take(), ['DATA 1/512']);
    socket.deliver(encodeAck(1));
    assert.deepEqual(socket.take(), ['DATA 2/488']);
    socket.deliver(encodeAck(2));
    assert.deepEqual(results, [{ ok: true, bytes: 1000 }]);
    assert.ok(socket.closed);
  });

  test('timeouts back off (100, 200, 400 ms), then the transfer gives up', () => {
    const { socket, clock, results, transfer } = setup(1000);
    transfer.start();
    socket.take();
    clock.advance(99);
    assert.deepEqual(socket.take(), []);
    clock.advance(1);
    assert.deepEqual(socket.take(), ['DATA 1/512']);
    clock.advance(199);
    assert.deepEqual(socket.take(), []);
    clock.advance(1);
    assert.deepEqual(socket.take(), ['DATA 1/512']);
    clock.advance(400);
    assert.deepEqual(results, [{ ok: false, error: 'timed out after 2 retransmissions' }]);
    assert.ok(socket.closed);
  });

  test('progress postpones the timer; duplicate ACKs do not', () => {
    const { socket, clock, transfer } = setup(5000);
    transfer.start();
    clock.advance(60);
    socket.deliver(encodeAck(1)); // progress at t=60: deadline 160
    clock.advance(60);
    for (let i = 0; i < 10; i++) socket.deliver(encodeAck(1)); // duplicates: nothing sent, deadline unchanged
    assert.deepEqual(socket.take(), ['DATA 1/512', 'DATA 2/512']);
    clock.advance(40);
    assert.deepEqual(socket.take(), ['DATA 2/512']);
  });

  test('windowed transfer with OACK; a partial ACK restarts the window', () => {
    const { socket, transfer } = setup(3000, { windowsize: 4, oack: true });
    transfer.start();
    assert.deepEqual(socket.take(), ['OACK']);
    socket.deliver(encodeAck(0));
    assert.deepEqual(socket.take(), ['DATA 1/512', 'DATA 2/512', 'DATA 3/512', 'DATA 4/512']);
    socket.deliver(encodeAck(2));
    assert.deepEqual(socket.take(), ['DATA 3/512', 'DATA 4/512', 'DATA 5/512', 'DATA 6/440']);
  });

  test('a stranger gets ERROR 5 and the transfer carries on; an ERROR from a stranger is not answered', () => {
    const { socket, results, transfer } = setup(100);
    transfer.start();
    socket.take();
    socket.deliver(encodeAck(1), 40001);
    socket.deliver(encodeError(0, 'x'), 40002);
    assert.deepEqual(socket.take(), ['ERROR 5→40001']);
    socket.deliver(encodeAck(1));
    assert.deepEqual(results, [{ ok: true, bytes: 100 }]);
  });

  test('garbage and unexpected opcodes from the peer are dropped', () => {
    const { socket, results, transfer } = setup(100);
    transfer.start();
    socket.take();
    for (const junk of [Buffer.alloc(0), Buffer.from([0, 4]), Buffer.from([0, 9, 1]), encodeOack([]), Buffer.from('\x00\x01f\x00octet\x00')]) socket.deliver(junk);
    assert.deepEqual(socket.take(), []);
    assert.deepEqual(results, []);
  });

  test('an ERROR from the peer ends the transfer; after an OACK it is reported as an abort', () => {
    const { socket, results, transfer } = setup(100, { oack: true });
    transfer.start();
    socket.deliver(encodeError(0, 'tsize probe'));
    assert.deepEqual(results, [{ ok: false, error: 'client aborted after OACK (code 0: tsize probe)' }]);
    assert.ok(socket.closed);
  });

  test('stop() ends the transfer and later packets are ignored', async () => {
    const { socket, results, transfer } = setup(5000);
    transfer.start();
    await transfer.stop('server stopping');
    socket.deliver(encodeAck(1));
    assert.deepEqual(results, [{ ok: false, error: 'server stopping' }]);
    assert.deepEqual(socket.take(), ['DATA 1/512']);
  });
});
