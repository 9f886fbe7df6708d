// In-memory sockets and a capturing logger for DhcpServer tests.
import { EventEmitter } from 'node:events';
import { createLogger } from '../../../../src/log/index.js';
import type { DhcpSocket, SocketFactory, SocketSpec } from '../../../../src/boot/dhcp/index.js';

export class FakeSocket extends EventEmitter implements DhcpSocket {
  readonly sent: { msg: Buffer; port: number; address: string }[] = [];
  closed = false;
  constructor(readonly spec: SocketSpec) {
    super();
  }
  send(msg: Buffer, port: number, address: string, cb: (err: Error | null) => void): void {
    this.sent.push({ msg, port, address });
    cb(null);
  }
  close(): void {
    this.closed = true;
  }
  address(): { port: number } {
    return { port: this.spec.port };
  }
  /** Delivers a datagram as if it arrived from `from`. */
  deliver(msg: Buffer, from = { address: '0.0.0.0', port: 68 }): void {
    this.emit('message', msg, from);
  }
}

export function fakeFactory(): { factory: SocketFactory; sockets: FakeSocket[] } {
  const sockets: FakeSocket[] = [];
  return {
    sockets,
    factory: async (spec) => {
      const s = new FakeSocket(spec);
      sockets.push(s);
      return s;
    },
  };
}

export function captureLog() {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger('debug', { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { log, lines };
}
