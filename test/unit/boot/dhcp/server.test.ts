import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../../../src/store/index.js';
import { DhcpServer, DhcpConfigError, decodeDhcp, encodeDhcp, MessageType as T, type DhcpServerOptions, type LeaseStore } from '../../../../src/boot/dhcp/index.js';
import { captureLog, fakeFactory } from './fakes.js';
import { IFACE, POOL } from './harness.js';
import { firmware, ipOpt, request } from './packets.js';

const tmp = mkdtempSync(join(tmpdir(), 'vizor-dhcp-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function make(over: Partial<DhcpServerOptions> = {}, leases: LeaseStore = Store.open(':memory:').dhcp) {
  const { factory, sockets } = fakeFactory();
  const { log, lines } = captureLog();
  const events: [string, string, Record<string, unknown>][] = [];
  const server = new DhcpServer({ mode: 'full', interfaces: [IFACE], pool: POOL, httpPort: 8080, efiBootFile: 'snponly.efi', leases, log, socketFactory: factory, onEvent: (m, k, d) => events.push([m, k, d]), clock: () => 1_700_000_000_000, ...over });
  return { server, sockets, lines, events };
}

describe('DhcpServer (fake sockets)', () => {
  test('full mode: DISCOVER/REQUEST are answered, leases stored and events recorded in order', async () => {
    const { server, sockets, events } = make();
    await server.start();
    assert.equal(sockets.length, 1);
    const s = sockets[0]!;
    s.deliver(encodeDhcp(request({ options: [...firmware.biosPxe] })));
    const offer = decodeDhcp(s.sent[0]!.msg);
    assert.deepEqual([s.sent[0]!.address, s.sent[0]!.port, offer.yiaddr, offer.file], ['255.255.255.255', 68, '10.0.0.100', 'undionly.kpxe']);
    s.deliver(encodeDhcp(request({ type: T.Request, options: [ipOpt(54, '10.0.0.1'), ipOpt(50, '10.0.0.100')] })));
    assert.equal(decodeDhcp(s.sent[1]!.msg).options[0]!.data[0], T.Ack);
    assert.deepEqual(events.map(([m, k]) => `${m} ${k}`), ['52:54:00:12:34:56 dhcp-discover', '52:54:00:12:34:56 dhcp-offer', '52:54:00:12:34:56 dhcp-request', '52:54:00:12:34:56 dhcp-ack']);
    assert.equal(events[1]![2].bootFile, 'undionly.kpxe');
    server.stop();
    assert.ok(s.closed);
  });

  test('proxy mode opens 67 and 4011 per interface and records proxy-offer / proxy-ack only', async () => {
    const { server, sockets, events } = make({ mode: 'proxy', pool: undefined, ports: { server: 67, proxy: 4011 } });
    await server.start();
    assert.deepEqual(sockets.map((s) => [s.spec.role, s.spec.port]), [['server', 67], ['proxy', 4011]]);
    sockets[0]!.deliver(encodeDhcp(request({ options: [...firmware.ovmfPxe] })));
    sockets[0]!.deliver(encodeDhcp(request({ options: [...firmware.linux] })));
    sockets[1]!.deliver(encodeDhcp(request({ type: T.Request, ciaddr: '10.0.0.9', options: [...firmware.ovmfPxe] })), { address: '10.0.0.9', port: 68 });
    assert.equal(sockets[0]!.sent.length, 1);
    assert.deepEqual([sockets[1]!.sent[0]!.address, sockets[1]!.sent[0]!.port], ['10.0.0.9', 68]);
    assert.deepEqual(events.map(([, k]) => k), ['proxy-offer', 'proxy-ack']);
    server.stop();
  });

  test('bad packets are dropped with a debug log naming the peer and reason; the server keeps answering', async () => {
    const { server, sockets, lines } = make();
    await server.start();
    const s = sockets[0]!;
    s.deliver(Buffer.from('garbage'), { address: '10.0.0.66', port: 68 });
    s.deliver(encodeDhcp(request()));
    assert.equal(s.sent.length, 1);
    const drop = lines.find((l) => l.msg === 'dhcp: dropped bad packet')!;
    assert.deepEqual([drop.peer, drop.level], ['10.0.0.66:68', 20]);
    assert.match(String(drop.reason), /truncated header/);
    server.stop();
  });

  test('a failing lease store is logged, not fatal', async () => {
    const broken = Store.open(':memory:').dhcp;
    const { server, sockets, lines } = make({}, broken);
    await server.start();
    broken.saveLease = () => {
      throw new Error('disk full');
    };
    sockets[0]!.deliver(encodeDhcp(request()));
    assert.ok(lines.some((l) => l.msg === 'dhcp: failed to handle a packet'));
    server.stop();
  });

  test('a socket error stops the server', async () => {
    const { server, sockets, lines } = make();
    await server.start();
    sockets[0]!.emit('error', Object.assign(new Error('boom'), { code: 'ENETDOWN' }));
    assert.ok(sockets[0]!.closed);
    assert.ok(lines.some((l) => l.msg === 'dhcp: socket failed; stopping'));
    assert.deepEqual(server.boundPorts(), []);
  });

  test('a start failure closes the sockets already opened', async () => {
    const { factory, sockets } = fakeFactory();
    let n = 0;
    const { server } = make({ interfaces: [IFACE, { ...IFACE, name: 'br1' }], socketFactory: async (spec) => (n++ === 1 ? Promise.reject(new Error('bind failed')) : factory(spec)) });
    await assert.rejects(server.start(), /bind failed/);
    assert.ok(sockets[0]!.closed);
  });

  test('restart with the same store: the same MAC gets the same address, others do not', async () => {
    const file = join(tmp, 'restart.db');
    const mac = '52:54:00:aa:bb:cc';
    const first = Store.open(file);
    const a = make({}, first.dhcp);
    await a.server.start();
    a.sockets[0]!.deliver(encodeDhcp(request({ mac })));
    a.sockets[0]!.deliver(encodeDhcp(request({ mac, type: T.Request, options: [ipOpt(54, '10.0.0.1'), ipOpt(50, '10.0.0.100')] })));
    a.server.stop();
    first.close();

    const second = Store.open(file);
    const b = make({}, second.dhcp);
    await b.server.start();
    b.sockets[0]!.deliver(encodeDhcp(request({ mac: '52:54:00:00:00:01' })));
    b.sockets[0]!.deliver(encodeDhcp(request({ mac })));
    assert.deepEqual(b.sockets[0]!.sent.map((x) => decodeDhcp(x.msg).yiaddr), ['10.0.0.101', '10.0.0.100']);
    b.server.stop();
    second.close();
  });
});

describe('DhcpServer options', () => {
  const cases: [string, Partial<DhcpServerOptions>, RegExp][] = [
    ['bad mode', { mode: 'relay' as 'full' }, /mode must be full or proxy/],
    ['no interfaces', { interfaces: [] }, /at least one interface/],
    ['bad interface address', { interfaces: [{ ...IFACE, address: '10.0.0' }] }, /address 10.0.0 is not IPv4/],
    ['bad netmask', { interfaces: [{ ...IFACE, netmask: '255.0.255.0' }] }, /netmask 255.0.255.0 is not a netmask/],
    ['full mode without pool', { pool: undefined }, /full mode needs a pool/],
    ['pool backwards', { pool: { ...POOL, start: '10.0.0.200', end: '10.0.0.100' } }, /start 10.0.0.200 is after end/],
    ['pool off the interface subnet', { pool: { ...POOL, start: '10.9.0.10', end: '10.9.0.20' } }, /not on the subnet of any interface/],
    ['short lease', { pool: { ...POOL, leaseSeconds: 10 } }, /leaseSeconds 10/],
    ['bad http port', { httpPort: 0 }, /httpPort 0 is not a port/],
    ['bad efi file', { efiBootFile: 'grub.efi' as 'ipxe.efi' }, /efiBootFile must be/],
  ];
  for (const [name, over, message] of cases) {
    test(name, () => assert.throws(() => make(over), (e: unknown) => e instanceof DhcpConfigError && e.code === 'DHCP_CONFIG' && message.test(e.message)));
  }
  test('every problem is reported at once', () => {
    assert.throws(() => make({ httpPort: 0, pool: undefined }), /httpPort 0 is not a port; full mode needs a pool|full mode needs a pool.*httpPort/);
  });
  test('a relayed pool with its own netmask is accepted off the interface subnet', () => {
    assert.doesNotThrow(() => make({ pool: { ...POOL, start: '10.9.0.10', end: '10.9.0.20', netmask: '255.255.255.0' } }));
  });
});
