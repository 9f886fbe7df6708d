import { createSocket, type RemoteInfo, type Socket, type SocketOptions } from 'node:dgram';
import { promises as fs } from 'node:fs';
import { isIPv6 } from 'node:net';
import type { Logger } from '../../log/index.js';
import { sharedMetrics, type TftpFailure, type TftpMetrics, type TftpRefusal } from '../../metrics/index.js';
import { decodeTftp, encodeError, TftpOpcode, type TftpPacket, type TftpRequest } from './codec.js';
import { checkTftpOptions, type TftpEventDetail, type TftpEventKind, type TftpServerConfig, type TftpServerOptions } from './config.js';
import {
  TftpAccessError,
  TftpBindError,
  TftpBusyError,
  TftpConfigError,
  TftpErrorCode,
  tftpErrorNumber,
  tftpErrorText,
  TftpNotFoundError,
  TftpUnsupportedError,
} from './errors.js';
import { prepareRead, type PreparedRead, type TftpPeer } from './request.js';
import { systemClock, Transfer, type TransferResult } from './transfer.js';

const BIND_HINTS: Record<string, string> = {
  EACCES: 'run as root or grant CAP_NET_BIND_SERVICE',
  EADDRINUSE: 'another TFTP server (tftpd-hpa, dnsmasq) already uses this port: stop it or choose another port',
  EADDRNOTAVAIL: 'no local interface has this address',
};

/**
 * dgram resolves the destination of every send through dns.lookup, one tick per datagram even
 * for an IP literal; peers are always IP literals here, so the lookup answers at once.
 */
function literalLookup(family: 4 | 6) {
  return (address: string, _opts: unknown, cb: (err: null, address: string, family: number) => void) => cb(null, address, family);
}

function bindSocket(type: 'udp4' | 'udp6', address: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const lookup = literalLookup(type === 'udp4' ? 4 : 6) as unknown as SocketOptions['lookup'];
    const socket = createSocket({ type, lookup });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      socket.close();
      const hint = BIND_HINTS[err.code ?? ''];
      reject(new TftpBindError(`bind udp/${port} on ${address}: ${err.code ?? err.message}${hint ? ` (${hint})` : ''}`, { cause: err }));
    });
    socket.bind({ address, port, exclusive: true }, () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}

/** The metrics label for why a transfer failed, from the Transfer's own error texts. */
function failureReason(error: string): TftpFailure {
  if (error.startsWith('client ')) return 'client-abort';
  if (error.startsWith('timed out')) return 'timeout';
  return error === 'server stopping' ? 'shutdown' : 'error';
}

function refusalReason(err: unknown): TftpRefusal {
  if (err instanceof TftpNotFoundError) return 'not-found';
  if (err instanceof TftpAccessError) return 'access';
  if (err instanceof TftpBusyError) return 'busy';
  return err instanceof TftpUnsupportedError ? 'unsupported' : 'error';
}

/**
 * A read-only TFTP server (RFC 1350, 2347, 2348, 2349, 7440). Requests arrive on one socket;
 * each transfer gets its own socket on an ephemeral port of the same address. Bad packets
 * are dropped or answered with ERROR, never fatal.
 */
export class TftpServer {
  private readonly c: TftpServerConfig;
  private readonly log: Logger;
  private readonly type: 'udp4' | 'udp6';
  private readonly metrics: TftpMetrics;
  private listener: Socket | null = null;
  private bound: { address: string; port: number } | null = null;
  private realRoot = '';
  private stopping = false;
  /** Transfers by peer `address|port`; null while the request is still being prepared. */
  private readonly transfers = new Map<string, Transfer | null>();

  constructor(options: TftpServerOptions) {
    this.c = checkTftpOptions(options);
    this.log = options.log;
    this.type = isIPv6(this.c.address) ? 'udp6' : 'udp4';
    this.metrics = this.c.metrics ?? sharedMetrics.tftp;
  }

  /** Transfers in progress (including requests still being opened). */
  get activeTransfers(): number {
    return this.transfers.size;
  }

  /** Resolves the root and binds the request socket; throws TftpConfigError or TftpBindError. */
  async start(): Promise<void> {
    if (this.listener) return;
    try {
      this.realRoot = await fs.realpath(this.c.root);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? String(err);
      throw new TftpConfigError(`tftp root ${this.c.root}: ${code} (create the directory or fix the root)`, { cause: err });
    }
    this.stopping = false;
    this.listener = await bindSocket(this.type, this.c.address, this.c.port);
    const a = this.listener.address();
    this.bound = { address: a.address, port: a.port };
    this.listener.on('message', (msg, rinfo) => this.onRequest(msg, rinfo));
    this.listener.on('error', (err) => this.log.error({ err }, 'tftp: listener socket error'));
    this.log.info({ ...this.address(), root: this.realRoot }, 'tftp: listening');
  }

  /** The bound address and port (useful after binding port 0). */
  address(): { address: string; port: number } {
    if (!this.bound) throw new TftpConfigError('tftp server is not started');
    return { ...this.bound };
  }

  /** Closes the request socket and every transfer (socket and file); resolves when all are closed. */
  async stop(): Promise<void> {
    this.stopping = true;
    const listener = this.listener;
    this.listener = null;
    const all = [...this.transfers.values()].map((t) => t?.stop('server stopping'));
    if (listener) await new Promise<void>((resolve) => listener.close(resolve));
    await Promise.all(all);
  }

  private onRequest(msg: Buffer, rinfo: RemoteInfo): void {
    const peer: TftpPeer = { address: rinfo.address, port: rinfo.port };
    let p: TftpPacket;
    try {
      p = decodeTftp(msg);
    } catch (err) {
      this.log.debug({ peer, err }, 'tftp: malformed request');
      this.metrics.refused.inc({ reason: 'malformed' });
      // Never answer an ERROR (even a broken one), so two endpoints cannot bounce errors.
      if (msg.length < 2 || msg.readUInt16BE(0) !== TftpOpcode.ERROR) this.reply(peer, TftpErrorCode.IllegalOperation, 'malformed request');
      return;
    }
    if (p.op === 'rrq') {
      this.handleRead(p, peer).catch((err: unknown) => this.log.error({ err, peer }, 'tftp: request handling failed'));
    } else if (p.op === 'wrq') {
      this.refuse(peer, p.filename, new TftpAccessError(p.filename, 'write requests are refused: this server is read-only'));
    } else if (p.op !== 'error') {
      this.reply(peer, TftpErrorCode.IllegalOperation, `unexpected ${p.op.toUpperCase()} on the request port`);
    }
  }

  private async handleRead(req: TftpRequest, peer: TftpPeer): Promise<void> {
    const key = `${peer.address}|${peer.port}`;
    if (this.transfers.has(key)) {
      this.log.debug({ peer, file: req.filename }, 'tftp: duplicate request ignored');
      return;
    }
    if (this.transfers.size >= this.c.maxTransfers) {
      this.refuse(peer, req.filename, new TftpBusyError(this.c.maxTransfers));
      return;
    }
    this.transfers.set(key, null);
    let prepared: PreparedRead | undefined;
    try {
      const { generate, maxBlksize, maxWindowsize } = this.c;
      prepared = await prepareRead(req, peer, { realRoot: this.realRoot, generate, maxBlksize, maxWindowsize });
      const socket = await bindSocket(this.type, this.c.address, 0);
      this.begin(key, peer, prepared, socket);
    } catch (err) {
      this.transfers.delete(key);
      await prepared?.source.close().catch(() => undefined);
      if (!this.stopping) this.refuse(peer, prepared?.path ?? req.filename, err);
    }
  }

  private begin(key: string, peer: TftpPeer, r: PreparedRead, socket: Socket): void {
    const { blksize, windowsize, timeoutMs } = r.negotiated;
    const detail = { file: r.path, blksize, windowsize };
    const log = this.log.child({ peer, file: r.path });
    const startedAt = performance.now();
    const transfer = new Transfer({
      socket,
      peer,
      source: r.source,
      blksize,
      windowsize,
      oack: r.oack,
      timeoutMs: timeoutMs ?? this.c.timeoutMs,
      retries: this.c.retries,
      clock: this.c.clock ?? systemClock,
      log,
      onEnd: (result) => {
        this.transfers.delete(key);
        this.count(result, (performance.now() - startedAt) / 1000);
        this.finished(peer, log, detail, result);
      },
    });
    this.transfers.set(key, transfer);
    log.debug({ blksize, windowsize, size: r.source.size, generated: r.generated }, 'tftp: transfer started');
    this.metrics.started.inc();
    this.emit(peer, 'tftp-start', { ...detail, bytes: r.source.size });
    transfer.start();
    if (this.stopping) void transfer.stop('server stopping');
  }

  private finished(peer: TftpPeer, log: Logger, detail: TftpEventDetail, result: TransferResult): void {
    if (result.ok) {
      log.info({ bytes: result.bytes, blksize: detail.blksize, windowsize: detail.windowsize }, 'tftp: transfer done');
      this.emit(peer, 'tftp-done', { ...detail, bytes: result.bytes });
    } else {
      // PXE ROMs often abort right after the OACK once they have read tsize: routine, so debug.
      const routine = result.error.startsWith('client aborted after OACK') || result.error === 'server stopping';
      log[routine ? 'debug' : 'warn']({ error: result.error }, 'tftp: transfer failed');
      this.emit(peer, 'tftp-error', { ...detail, error: result.error });
    }
  }

  private count(result: TransferResult, seconds: number): void {
    const m = this.metrics;
    if (result.ok) {
      m.completed.inc();
      m.sentBytes.inc(result.bytes);
    } else m.failed.inc({ reason: failureReason(result.error) });
    m.duration.observe({ outcome: result.ok ? 'completed' : 'failed' }, seconds);
  }

  private refuse(peer: TftpPeer, file: string, err: unknown): void {
    this.metrics.refused.inc({ reason: refusalReason(err) });
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof TftpNotFoundError) this.log.info({ peer, file, reason: message }, 'tftp: file not found');
    else if (err instanceof TftpAccessError || err instanceof TftpUnsupportedError || err instanceof TftpBusyError) {
      this.log.warn({ peer, file, reason: message }, 'tftp: request refused');
    } else this.log.error({ peer, file, err }, 'tftp: request failed');
    this.reply(peer, tftpErrorNumber(err), tftpErrorText(err));
    this.emit(peer, 'tftp-refused', { file, error: message });
  }

  private reply(peer: TftpPeer, code: number, message: string): void {
    this.listener?.send(encodeError(code, message), peer.port, peer.address, () => undefined);
  }

  private emit(peer: TftpPeer, kind: TftpEventKind, detail: TftpEventDetail): void {
    try {
      this.c.onEvent?.(peer, kind, detail);
    } catch (err) {
      this.log.error({ err, kind }, 'tftp: onEvent handler threw');
    }
  }
}
