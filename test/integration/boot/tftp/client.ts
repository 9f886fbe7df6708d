// A small TFTP client for tests: RRQ with options, OACK, windowed ACKs (RFC 7440), block
// rollover, and a raw request/response helper for malformed or hostile packets.
import { createSocket, type Socket } from 'node:dgram';
import { decodeTftp, encodeTftp, type TftpOption, type TftpPacket } from '../../../../src/boot/tftp/index.js';

export interface GetOptions {
  options?: TftpOption[];
  mode?: string;
  host?: string;
  /** Client retransmission timeout (ms) and tries before giving up. */
  timeoutMs?: number;
  tries?: number;
  /** Called on each DATA before it is processed; return false to drop it (simulated loss). */
  filter?: (block: number, count: number, serverPort: number) => boolean;
}

export interface GetResult {
  data: Buffer;
  oack: Map<string, string> | null;
  /** DATA packets received, duplicates included. */
  packets: number;
  /** The server's transfer port. */
  serverPort: number;
}

/** An ERROR packet received from the server. */
export class TftpRemoteError extends Error {
  constructor(readonly errorCode: number, readonly text: string) {
    super(`server sent ERROR ${errorCode}: ${text}`);
  }
}

/** Opens a UDP socket on 127.0.0.1 with an ephemeral port. */
export function openSocket(): Promise<Socket> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.bind(0, '127.0.0.1', () => resolve(s));
  });
}

/** Fetches `file` like a well-behaved RFC 7440 client; rejects with TftpRemoteError on ERROR. */
export async function tftpGet(port: number, file: string, o: GetOptions = {}): Promise<GetResult> {
  const host = o.host ?? '127.0.0.1';
  const sock = await openSocket();
  const rrq = encodeTftp({ op: 'rrq', filename: file, mode: o.mode ?? 'octet', options: o.options ?? [] });
  let blksize = 512;
  let windowsize = 1;
  let serverPort = 0;
  let got = 0; // blocks received in order
  let sinceAck = 0;
  let packets = 0;
  let oack: Map<string, string> | null = null;
  const chunks: Buffer[] = [];
  let last: { buf: Buffer; port: number } = { buf: rrq, port };
  const send = (buf: Buffer, to: number) => {
    last = { buf, port: to };
    sock.send(buf, to, host);
  };
  try {
    return await new Promise<GetResult>((resolve, reject) => {
      let tries = 0;
      let timer: NodeJS.Timeout;
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          if (++tries > (o.tries ?? 5)) return reject(new Error(`client timed out after ${got} blocks`));
          sock.send(last.buf, last.port, host);
          arm();
        }, o.timeoutMs ?? 1000);
      };
      const ack = (block: number) => send(encodeTftp({ op: 'ack', block: block & 0xffff }), serverPort);
      sock.on('message', (msg, rinfo) => {
        if (serverPort === 0) serverPort = rinfo.port;
        if (rinfo.port !== serverPort) return;
        let p: TftpPacket;
        try {
          p = decodeTftp(msg);
        } catch (err) {
          return reject(err);
        }
        tries = 0;
        if (p.op === 'error') {
          clearTimeout(timer);
          return reject(new TftpRemoteError(p.code, p.message));
        }
        if (p.op === 'oack') {
          if (got > 0 || oack) return;
          oack = new Map(p.options.map(([k, v]) => [k.toLowerCase(), v]));
          blksize = Number(oack.get('blksize') ?? 512);
          windowsize = Number(oack.get('windowsize') ?? 1);
          ack(0);
          return arm();
        }
        if (p.op !== 'data') return;
        packets += 1;
        if (o.filter && !o.filter(p.block, packets, serverPort)) return;
        if (p.block !== ((got + 1) & 0xffff)) {
          ack(got); // a gap or a duplicate: tell the server where we are (RFC 7440 §4)
          sinceAck = 0;
          return arm();
        }
        got += 1;
        chunks.push(Buffer.from(p.data));
        sinceAck += 1;
        const final = p.data.length < blksize;
        if (final || sinceAck >= windowsize) {
          ack(got);
          sinceAck = 0;
        }
        if (final) {
          clearTimeout(timer);
          return resolve({ data: Buffer.concat(chunks), oack, packets, serverPort });
        }
        arm();
      });
      send(rrq, port);
      arm();
    });
  } finally {
    sock.close();
  }
}

/** Sends one raw datagram from a fresh socket and returns the first reply (or null after `waitMs`). */
export async function exchange(port: number, packet: Buffer, waitMs = 500): Promise<{ packet: TftpPacket; port: number } | null> {
  const sock = await openSocket();
  try {
    return await new Promise((resolve) => {
      const timer = setTimeout(() => resolve(null), waitMs);
      sock.once('message', (msg, rinfo) => {
        clearTimeout(timer);
        resolve({ packet: decodeTftp(msg), port: rinfo.port });
      });
      sock.send(packet, port, '127.0.0.1');
    });
  } finally {
    sock.close();
  }
}
