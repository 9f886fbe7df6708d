import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { Store } from '../../../../src/store/index.js';
import { createLogger } from '../../../../src/log/index.js';
import { DhcpServer, DhcpSocketError, decodeDhcp, encodeDhcp, type DhcpServerOptions } from '../../../../src/boot/dhcp/index.js';
import { request } from '../../../unit/boot/dhcp/packets.js';

/** Real UDP sockets on loopback: dgram binding (bindDevice false) and the native SO_BINDTODEVICE path on lo. */
const LO = { name: 'lo', address: '127.0.0.1', netmask: '255.0.0.0' };
const POOL = { start: '127.0.0.100', end: '127.0.0.150', router: null, dns: [], domain: null, leaseSeconds: 600 };

async function client(): Promise<Socket> {
  const s = createSocket('udp4');
  s.bind(0, '127.0.0.1');
  await once(s, 'listening');
  return s;
}

function server(port: number, over: Partial<DhcpServerOptions>): DhcpServer {
  return new DhcpServer({ mode: 'full', interfaces: [LO], pool: POOL, httpPort: 8080, efiBootFile: 'snponly.efi', leases: Store.open(':memory:').dhcp, log: createLogger('silent'), ports: { server: 0, client: port }, broadcastAddress: '127.0.0.1', ...over });
}

async function exchange(bindDevice: boolean): Promise<void> {
  const c = await client();
  const srv = server(c.address().port, { bindDevice });
  await srv.start();
  try {
    const port = srv.boundPorts()[0]!.port;
    assert.ok(port > 0);
    const reply = once(c, 'message');
    c.send(encodeDhcp(request()), port, '127.0.0.1');
    const [msg] = (await reply) as [Buffer];
    assert.equal(decodeDhcp(msg).yiaddr, '127.0.0.100');
  } finally {
    srv.stop();
    c.close();
  }
}

describe('DhcpServer on real sockets', () => {
  test('dgram binding on the interface address (bindDevice: false) answers a DISCOVER', () => exchange(false));
  test('the native addon binds to the device (SO_BINDTODEVICE on lo) and dgram adopts the fd', () => exchange(true));

  test('an unknown device fails with ENODEV and a hint', async () => {
    const srv = server(68, { interfaces: [{ ...LO, name: 'vz-nope0' }] });
    await assert.rejects(srv.start(), (e: unknown) => e instanceof DhcpSocketError && /^bind udp\/0 on vz-nope0: ENODEV \(no such network interface\)$/.test(e.message));
  });

  test('a port held by a socket without SO_REUSEADDR fails with EADDRINUSE and a hint', async () => {
    const holder = createSocket('udp4');
    holder.bind(0, '0.0.0.0');
    await once(holder, 'listening');
    const port = holder.address().port;
    try {
      const srv = new DhcpServer({ mode: 'full', interfaces: [LO], pool: POOL, httpPort: 8080, efiBootFile: 'snponly.efi', leases: Store.open(':memory:').dhcp, log: createLogger('silent'), ports: { server: port } });
      await assert.rejects(srv.start(), (e: unknown) => e instanceof DhcpSocketError && e.message === `bind udp/${port} on lo: EADDRINUSE (another DHCP server running?)`);
    } finally {
      holder.close();
    }
  });
});
