// DhcpServer (fake sockets) moves the right vizor_dhcp_* series for each outcome.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { Store } from '../../../src/store/index.js';
import { DhcpServer, encodeDhcp, MessageType as T, type DhcpServerOptions, type LeaseStore } from '../../../src/boot/dhcp/index.js';
import { createMetrics, dhcpTypeLabel } from '../../../src/metrics/index.js';
import { captureLog, fakeFactory } from '../boot/dhcp/fakes.js';
import { IFACE, POOL } from '../boot/dhcp/harness.js';
import { firmware, ipOpt, request } from '../boot/dhcp/packets.js';
import { parseExposition, read } from './exposition.js';

async function make(over: Partial<DhcpServerOptions> = {}, leases: LeaseStore = Store.open(':memory:').dhcp) {
  const { factory, sockets } = fakeFactory();
  const metrics = createMetrics(new Registry());
  const server = new DhcpServer({
    mode: 'full', interfaces: [IFACE], pool: POOL, httpPort: 8080, efiBootFile: 'snponly.efi', leases, log: captureLog().log,
    socketFactory: factory, clock: () => 1_700_000_000_000, metrics: metrics.dhcp, ...over,
  });
  await server.start();
  return { server, socket: sockets[0]!, sockets, reg: metrics.registry };
}

const sid = ipOpt(54, '10.0.0.1');

describe('DHCP metrics', () => {
  test('DISCOVER/REQUEST: received and sent by type, outcomes offered and acked, one latency sample each', async () => {
    const { server, socket, reg } = await make();
    socket.deliver(encodeDhcp(request({ options: [...firmware.biosPxe] })));
    socket.deliver(encodeDhcp(request({ type: T.Request, options: [sid, ipOpt(50, '10.0.0.100')] })));
    assert.equal(await read(reg, 'vizor_dhcp_received_packets_total', { type: 'discover' }), 1);
    assert.equal(await read(reg, 'vizor_dhcp_received_packets_total', { type: 'request' }), 1);
    assert.equal(await read(reg, 'vizor_dhcp_sent_packets_total', { type: 'offer' }), 1);
    assert.equal(await read(reg, 'vizor_dhcp_sent_packets_total', { type: 'ack' }), 1);
    assert.equal(await read(reg, 'vizor_dhcp_handled_packets_total', { outcome: 'offered' }), 1);
    assert.equal(await read(reg, 'vizor_dhcp_handled_packets_total', { outcome: 'acked' }), 1);
    assert.equal(await read(reg, 'vizor_dhcp_handling_duration_seconds_count', { outcome: 'offered' }), 1);
    assert.equal(await read(reg, 'vizor_dhcp_handling_duration_seconds_count', { outcome: 'acked' }), 1);
    server.stop();
  });

  test('NAK, ignored, malformed and store failures each have their outcome', async () => {
    const leases = Store.open(':memory:').dhcp;
    const { server, socket, reg } = await make({}, leases);
    // SELECTING us without an address: NAK.
    socket.deliver(encodeDhcp(request({ type: T.Request, options: [sid] })));
    // SELECTING another server, nothing held: silence.
    socket.deliver(encodeDhcp(request({ type: T.Request, options: [ipOpt(54, '10.0.0.9'), ipOpt(50, '10.0.0.100')] })));
    socket.deliver(Buffer.from('garbage'), { address: '10.0.0.66', port: 68 });
    leases.saveLease = () => {
      throw new Error('disk full');
    };
    socket.deliver(encodeDhcp(request()));
    const want: Record<string, number> = { nak: 1, ignored: 1, malformed: 1, error: 1, offered: 0, acked: 0 };
    for (const [outcome, n] of Object.entries(want)) assert.equal(await read(reg, 'vizor_dhcp_handled_packets_total', { outcome }), n, outcome);
    assert.equal(await read(reg, 'vizor_dhcp_sent_packets_total', { type: 'nak' }), 1);
    assert.equal(await read(reg, 'vizor_dhcp_received_packets_total', { type: 'malformed' }), 1);
    assert.equal(await read(reg, 'vizor_dhcp_received_packets_total', { type: 'request' }), 2);
    assert.equal(await read(reg, 'vizor_dhcp_handling_duration_seconds_count', { outcome: 'malformed' }), 1);
    server.stop();
  });

  test('proxy mode: proxy offers and ACKs count as offered/acked, a non-PXE client as ignored', async () => {
    const { server, sockets, reg } = await make({ mode: 'proxy', pool: undefined, ports: { server: 67, proxy: 4011 } });
    sockets[0]!.deliver(encodeDhcp(request({ options: [...firmware.ovmfPxe] })));
    sockets[0]!.deliver(encodeDhcp(request({ options: [...firmware.linux] })));
    sockets[1]!.deliver(encodeDhcp(request({ type: T.Request, ciaddr: '10.0.0.9', options: [...firmware.ovmfPxe] })), { address: '10.0.0.9', port: 68 });
    assert.equal(await read(reg, 'vizor_dhcp_handled_packets_total', { outcome: 'offered' }), 1);
    assert.equal(await read(reg, 'vizor_dhcp_handled_packets_total', { outcome: 'acked' }), 1);
    assert.equal(await read(reg, 'vizor_dhcp_handled_packets_total', { outcome: 'ignored' }), 1);
    assert.equal(await read(reg, 'vizor_dhcp_sent_packets_total', { type: 'offer' }), 1);
    assert.equal(await read(reg, 'vizor_dhcp_sent_packets_total', { type: 'ack' }), 1);
    server.stop();
  });

  test('labels stay bounded: no MAC or address appears in the exposition', async () => {
    const { server, socket, reg } = await make();
    for (let i = 0; i < 20; i++) socket.deliver(encodeDhcp(request({ mac: `52:54:00:00:00:${i.toString(16).padStart(2, '0')}` })), { address: `10.0.0.${i + 10}`, port: 68 });
    const text = await reg.metrics();
    assert.doesNotMatch(text, /52:54:00|10\.0\.0\./);
    const types = new Set(parseExposition(text).samples.filter((s) => s.name === 'vizor_dhcp_received_packets_total').map((s) => s.labels.type));
    assert.deepEqual([...types], ['discover']);
    assert.equal(await read(reg, 'vizor_dhcp_received_packets_total', { type: 'discover' }), 20);
    server.stop();
  });

  test('message type labels follow RFC 2132 §9.6', () => {
    assert.deepEqual([null, 1, 2, 3, 4, 5, 6, 7, 8, 0, 9, 200].map(dhcpTypeLabel), ['none', 'discover', 'offer', 'request', 'decline', 'ack', 'nak', 'release', 'inform', 'other', 'other', 'other']);
  });
});
