import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { bindError } from './errors.js';
import { loadNetAddon } from './native.js';
import type { DhcpInterface } from './policy.js';

/** The part of a dgram socket the server uses; test fakes implement the same. */
export interface DhcpSocket {
  on(event: 'message', listener: (msg: Buffer, rinfo: Pick<RemoteInfo, 'address' | 'port'>) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  send(msg: Buffer, port: number, address: string, callback: (err: Error | null) => void): void;
  close(): void;
  address(): { port: number };
}

/** What to open: one socket per interface for port 67, and one for 4011 in proxy mode. */
export interface SocketSpec {
  readonly iface: DhcpInterface;
  /** `server` (port 67, all addresses of the device) or `proxy` (port 4011, the interface address). */
  readonly role: 'server' | 'proxy';
  readonly port: number;
  /** Bind to the device with SO_BINDTODEVICE (production) or only to the interface address (loopback tests). */
  readonly bindDevice: boolean;
}

/** Opens a socket for a spec. */
export type SocketFactory = (spec: SocketSpec) => Promise<DhcpSocket>;

function listen(sock: Socket, bind: (cb: () => void) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    sock.once('error', onError);
    bind(() => {
      sock.off('error', onError);
      resolve();
    });
  });
}

/**
 * Opens a real UDP socket: with bindDevice, the native addon creates it bound to the device
 * (0.0.0.0:67 to hear broadcasts, or the interface address for 4011) and dgram adopts the fd;
 * without, dgram binds the interface address. Failures become DhcpSocketError with a hint.
 */
export const openDgramSocket: SocketFactory = async (spec) => {
  const where = spec.bindDevice ? spec.iface.name : spec.iface.address;
  const sock = createSocket({ type: 'udp4', reuseAddr: true });
  try {
    if (spec.bindDevice) {
      const addon = loadNetAddon();
      const fd = addon.openUdpSocket(spec.iface.name, spec.role === 'server' ? '0.0.0.0' : spec.iface.address, spec.port);
      try {
        await listen(sock, (cb) => sock.bind({ fd }, cb));
      } catch (err) {
        addon.closeFd(fd);
        throw err;
      }
    } else {
      await listen(sock, (cb) => sock.bind(spec.port, spec.iface.address, cb));
    }
    sock.setBroadcast(true);
    return sock;
  } catch (err) {
    try {
      sock.close();
    } catch {
      // never bound: nothing to close
    }
    throw err instanceof Error && err.name === 'DhcpSocketError' ? err : bindError(spec.port, where, err);
  }
};
