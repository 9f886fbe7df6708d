import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageType as T, DhcpOption as O, planReply } from '../../../../src/boot/dhcp/index.js';
import { codes, harness, hex, IFACE, policy, POOL, str } from './harness.js';
import { firmware, ipOpt, opt, request } from './packets.js';

const A = '52:54:00:00:00:0a';
const B = '52:54:00:00:00:0b';
const sid = ipOpt(O.ServerIdentifier, '10.0.0.1');
const want = (ip: string) => ipOpt(O.RequestedIpAddress, ip);

function bind(h: ReturnType<typeof harness>, mac: string): string {
  const offer = h.send(request({ mac }))!;
  const ip = offer.reply!.yiaddr;
  assert.equal(h.send(request({ mac, type: T.Request, options: [sid, want(ip)] }))!.kind, 'ack');
  return ip;
}

describe('full mode: DISCOVER and OFFER', () => {
  test('offers the first pool address with lease, network and server options, broadcast to :68', () => {
    const h = harness();
    const plan = h.send(request({ mac: A, options: [opt(O.ParameterRequestList, [1, 3, 6, 15])] }))!;
    assert.equal(plan.kind, 'offer');
    const r = plan.reply!;
    assert.deepEqual([r.op, r.yiaddr, r.xid], [2, '10.0.0.100', 0x1234abcd]);
    assert.deepEqual(codes(r), [O.DhcpMessageType, O.ServerIdentifier, O.IpAddressLeaseTime, O.RenewalTimeValue, O.RebindingTimeValue, 1, 3, 6, 15]);
    assert.deepEqual([hex(r, 53), hex(r, 54), hex(r, 51), hex(r, 58), hex(r, 59)], ['02', '0a000001', '00000e10', '00000708', '00000c4e']);
    assert.deepEqual([hex(r, 1), hex(r, 3), hex(r, 6), str(r, 15)], ['ffffff00', '0a0000fe', '0a000035', 'lab.test']);
    assert.deepEqual(plan.to, { address: '255.255.255.255', port: 68 });
    assert.equal(h.repo.lease(A)?.state, 'offered');
  });

  test('a second client gets the next address; the same client is offered its address again', () => {
    const h = harness();
    assert.equal(h.send(request({ mac: A }))!.reply!.yiaddr, '10.0.0.100');
    assert.equal(h.send(request({ mac: B }))!.reply!.yiaddr, '10.0.0.101');
    assert.equal(h.send(request({ mac: A }))!.reply!.yiaddr, '10.0.0.100');
  });

  test('option 50 in a DISCOVER is honoured when the address is free', () => {
    const h = harness();
    assert.equal(h.send(request({ mac: A, options: [want('10.0.0.150')] }))!.reply!.yiaddr, '10.0.0.150');
  });

  test('the scan for a new address starts at scanFrom and wraps around the pool', () => {
    const pol = policy({ pool: { ...POOL, start: '10.0.0.100', end: '10.0.0.102' } });
    const h = harness(pol);
    bind(h, B);
    const plan = (scanFrom: string) => planReply({ packet: request({ mac: A }), from: { address: '0.0.0.0', port: 68 }, iface: IFACE, via: 'server' }, { now: h.now, leases: h.repo, scanFrom }, pol)!;
    assert.equal(plan(`10.0.0.102`).reply!.yiaddr, '10.0.0.102');
    assert.equal(plan(`10.0.0.103`).reply!.yiaddr, '10.0.0.101', 'outside the range: from the start, skipping the leased .100');
  });

  test("the server's own address is never offered", () => {
    const h = harness(policy({ pool: { ...POOL, start: '10.0.0.1', end: '10.0.0.3' } }));
    assert.equal(h.send(request({ mac: A }))!.reply!.yiaddr, '10.0.0.2');
  });

  test('options follow the parameter request list order after the fixed head', () => {
    const h = harness();
    const r = h.send(request({ mac: A, options: [opt(O.ParameterRequestList, [15, 6, 3, 1])] }))!.reply!;
    assert.deepEqual(codes(r).slice(5), [15, 6, 3, 1]);
  });

  test('options not requested are dropped first when the reply would exceed option 57', () => {
    const dns = Array.from({ length: 60 }, (_, i) => `10.0.1.${i + 1}`);
    const h = harness(policy({ pool: { ...POOL, dns, domain: 'd'.repeat(200) } }));
    const r = h.send(request({ mac: A, options: [opt(O.MaximumDhcpMessageSize, [2, 0x40]), opt(O.ParameterRequestList, [1, 3, 15])] }))!.reply!;
    assert.ok(codes(r).includes(15) && !codes(r).includes(6), `kept ${codes(r)}`);
  });
});

describe('full mode: REQUEST (RFC 2131 §4.3.2)', () => {
  test('SELECTING: ACK binds the offered address', () => {
    const h = harness();
    const ip = bind(h, A);
    const l = h.repo.lease(A)!;
    assert.deepEqual([l.ip, l.state, l.expiresAt], [ip, 'bound', h.now + 3600_000]);
  });

  test('SELECTING another server releases the offer; SELECTING a taken address is NAKed', () => {
    const h = harness();
    h.send(request({ mac: A }));
    assert.equal(h.send(request({ mac: A, type: T.Request, options: [ipOpt(54, '10.0.0.9'), want('10.0.0.100')] }))!.kind, 'none');
    assert.equal(h.repo.lease(A), null);
    bind(h, B);
    const nak = h.send(request({ mac: A, type: T.Request, options: [sid, want('10.0.0.100')] }))!;
    assert.equal(nak.kind, 'nak');
    assert.deepEqual([hex(nak.reply, 53), nak.reply!.yiaddr], ['06', '0.0.0.0']);
    assert.deepEqual(nak.to, { address: '255.255.255.255', port: 68 });
  });

  test('RENEWING (ciaddr, unicast) extends the lease and answers the client directly', () => {
    const h = harness();
    const ip = bind(h, A);
    h.now += 1800_000;
    const plan = h.send(request({ mac: A, type: T.Request, ciaddr: ip }))!;
    assert.equal(plan.kind, 'ack');
    assert.deepEqual(plan.to, { address: ip, port: 68 });
    assert.equal(h.repo.lease(A)!.expiresAt, h.now + 3600_000);
  });

  test('REBINDING after expiry still gets the address back when nobody took it', () => {
    const h = harness();
    const ip = bind(h, A);
    h.now += 4000_000;
    assert.equal(h.send(request({ mac: A, type: T.Request, ciaddr: ip, flags: 0x8000 }))!.kind, 'ack');
  });

  test('RENEWING an address leased to someone else is NAKed; without any record vizor stays silent', () => {
    const h = harness();
    const ipB = bind(h, B);
    bind(h, A);
    assert.equal(h.send(request({ mac: A, type: T.Request, ciaddr: ipB }))!.kind, 'nak');
    assert.equal(h.send(request({ mac: '52:54:00:00:00:0c', type: T.Request, ciaddr: '10.0.0.180' })), null);
  });

  const reboot: [string, string, string | null][] = [
    ['the address it holds', '10.0.0.100', 'ack'],
    ['another address on the subnet', '10.0.0.120', 'nak'],
    ['an address on another network', '192.168.1.5', 'nak'],
  ];
  for (const [name, ip, kind] of reboot) {
    test(`INIT-REBOOT asking for ${name} -> ${kind}`, () => {
      const h = harness();
      bind(h, A);
      assert.equal(h.send(request({ mac: A, type: T.Request, options: [want(ip)] }))?.kind ?? null, kind);
    });
  }
  test('INIT-REBOOT of an unknown client is ignored (no record)', () => {
    assert.equal(harness().send(request({ mac: A, type: T.Request, options: [want('10.0.0.100')] })), null);
  });
});

describe('full mode: RELEASE, DECLINE, INFORM', () => {
  test('RELEASE marks the lease released; the client gets the same address next time', () => {
    const h = harness();
    const ip = bind(h, A);
    assert.equal(h.send(request({ mac: A, type: T.Release, ciaddr: ip, options: [sid] }))!.reply, null);
    assert.deepEqual([h.repo.lease(A)!.state, h.repo.lease(A)!.expiresAt], ['released', h.now]);
    bind(h, B);
    assert.equal(h.send(request({ mac: A }))!.reply!.yiaddr, ip);
  });

  test('DECLINE takes the address out of the pool and drops the lease', () => {
    const h = harness();
    const ip = bind(h, A);
    h.send(request({ mac: A, type: T.Decline, options: [sid, want(ip)] }));
    assert.equal(h.repo.lease(A), null);
    assert.ok(h.repo.isDeclined(ip, h.now));
    assert.notEqual(h.send(request({ mac: A }))!.reply!.yiaddr, ip);
  });

  test('INFORM gets an ACK without yiaddr or lease times, unicast to ciaddr', () => {
    const h = harness();
    const plan = h.send(request({ mac: A, type: T.Inform, ciaddr: '10.0.0.42' }))!;
    assert.equal(plan.kind, 'ack');
    assert.equal(plan.reply!.yiaddr, '0.0.0.0');
    assert.equal(plan.reply!.ciaddr, '10.0.0.42');
    assert.ok(![51, 58, 59].some((c) => codes(plan.reply).includes(c)));
    assert.deepEqual(plan.to, { address: '10.0.0.42', port: 68 });
    assert.equal(h.repo.lease(A), null);
  });
});

describe('full mode: pool, reservations, relays', () => {
  test('pool exhaustion: no offer; an expired lease is reclaimed', () => {
    const h = harness(policy({ pool: { ...POOL, start: '10.0.0.100', end: '10.0.0.101' } }));
    bind(h, A);
    bind(h, B);
    const none = h.send(request({ mac: '52:54:00:00:00:0c' }))!;
    assert.deepEqual([none.kind, none.reply, none.detail.reason], ['none', null, 'pool exhausted']);
    h.now += 3601_000;
    assert.equal(h.send(request({ mac: '52:54:00:00:00:0c' }))!.reply!.yiaddr, '10.0.0.100');
  });

  test('reservations win: the reserved address and host name, and nobody else gets it', () => {
    const h = harness();
    h.repo.reserve({ mac: A, ip: '10.0.0.100', hostname: 'node-a', owner: 'test' });
    assert.equal(h.send(request({ mac: B }))!.reply!.yiaddr, '10.0.0.101');
    const offer = h.send(request({ mac: A, options: [want('10.0.0.150')] }))!.reply!;
    assert.deepEqual([offer.yiaddr, str(offer, O.HostName)], ['10.0.0.100', 'node-a']);
    assert.equal(h.send(request({ mac: A, type: T.Request, options: [sid, want('10.0.0.150')] }))!.kind, 'nak');
    assert.equal(h.send(request({ mac: A, type: T.Request, options: [sid, want('10.0.0.100')] }))!.kind, 'ack');
  });

  test('a reservation outside the range but on the subnet is offered', () => {
    const h = harness();
    h.repo.reserve({ mac: A, ip: '10.0.0.20', hostname: null, owner: 'test' });
    assert.equal(h.send(request({ mac: A }))!.reply!.yiaddr, '10.0.0.20');
  });

  test('relayed requests: the pool must be on the giaddr subnet; the reply goes to giaddr:67', () => {
    const relayPool = { ...POOL, start: '10.0.5.100', end: '10.0.5.150', netmask: '255.255.255.0', router: '10.0.5.1' };
    const h = harness(policy({ pool: relayPool }));
    const plan = h.send(request({ mac: A, giaddr: '10.0.5.1' }))!;
    assert.deepEqual([plan.reply!.yiaddr, plan.reply!.giaddr], ['10.0.5.100', '10.0.5.1']);
    assert.deepEqual(plan.to, { address: '10.0.5.1', port: 67 });
    assert.equal(h.send(request({ mac: B, giaddr: '10.0.9.1' })), null, 'relay of another subnet');
    assert.equal(h.send(request({ mac: B })), null, 'direct request on the interface subnet');
    const nak = h.send(request({ mac: B, giaddr: '10.0.5.1', type: T.Request, options: [sid, want('10.0.5.100')] }))!;
    assert.deepEqual([nak.kind, nak.reply!.flags & 0x8000, nak.to], ['nak', 0x8000, { address: '10.0.5.1', port: 67 }]);
  });

  test('BOOTP (no option 53), replies and the PXE port are ignored', () => {
    const h = harness();
    assert.equal(h.send({ ...request(), options: [] }), null);
    assert.equal(h.send({ ...request(), op: 2 }), null);
    assert.equal(h.send(request(), { via: 'proxy' }), null);
  });
});

describe('full mode: boot files for network-boot clients', () => {
  const cases: [keyof typeof firmware, { file: string; opt60?: string; opt43?: string; opt67?: string }][] = [
    ['biosPxe', { file: 'undionly.kpxe', opt60: 'PXEClient', opt43: '060108ff' }],
    ['ovmfPxe', { file: 'snponly.efi', opt60: 'PXEClient', opt43: '060108ff' }],
    ['ovmfHttp', { file: 'http://10.0.0.1:8080/boot/snponly.efi', opt60: 'HTTPClient', opt67: 'http://10.0.0.1:8080/boot/snponly.efi' }],
    ['seabiosIpxeRom', { file: 'http://10.0.0.1:8080/boot/ipxe?mac=${mac:hexhyp}&uuid=${uuid}&buildarch=${buildarch}&platform=${platform}', opt60: 'PXEClient', opt43: '060108ff', opt67: 'http://10.0.0.1:8080/boot/ipxe?mac=${mac:hexhyp}&uuid=${uuid}&buildarch=${buildarch}&platform=${platform}' }],
    ['linux', { file: '' }],
  ];
  for (const [name, w] of cases) {
    test(`${name}: OFFER and ACK carry address and boot file`, () => {
      const h = harness();
      for (const type of [T.Discover, T.Request]) {
        const plan = h.send(request({ mac: A, type, options: [...firmware[name], ...(type === T.Request ? [sid, want('10.0.0.100')] : [])] }))!;
        const r = plan.reply!;
        assert.equal(r.yiaddr, '10.0.0.100');
        assert.equal(r.file, w.file);
        assert.equal(r.siaddr, w.file ? '10.0.0.1' : '0.0.0.0');
        assert.deepEqual([str(r, 60), hex(r, 43), str(r, 67)], [w.opt60, w.opt43, w.opt67]);
        if (w.file) assert.equal(hex(r, 97), hex(request({ options: [...firmware[name]] }), 97));
      }
    });
  }
});
