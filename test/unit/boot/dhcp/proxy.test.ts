import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageType as T } from '../../../../src/boot/dhcp/index.js';
import { codes, harness, hex, policy, str } from './harness.js';
import { firmware, ipOpt, request } from './packets.js';

const SCRIPT = 'http://10.0.0.1:8080/boot/ipxe?mac=${mac:hexhyp}&uuid=${uuid}&buildarch=${buildarch}&platform=${platform}';
const proxy = () => harness(policy({ mode: 'proxy', pool: null }));

describe('proxyDHCP: port 67 OFFERs boot information only', () => {
  const cases: [keyof typeof firmware, { file: string; opt60: string; opt43?: string; opt67?: string }][] = [
    ['biosPxe', { file: 'undionly.kpxe', opt60: 'PXEClient', opt43: '060108ff' }],
    ['ovmfPxe', { file: 'snponly.efi', opt60: 'PXEClient' }],
    ['ovmfHttp', { file: 'http://10.0.0.1:8080/boot/snponly.efi', opt60: 'HTTPClient', opt67: 'http://10.0.0.1:8080/boot/snponly.efi' }],
    ['seabiosIpxeRom', { file: SCRIPT, opt60: 'PXEClient', opt43: '060108ff', opt67: SCRIPT }],
    ['ipxeChainEfiRfc3004', { file: SCRIPT, opt60: 'PXEClient', opt67: SCRIPT }],
  ];
  for (const [name, w] of cases) {
    test(`${name}: no address, no lease options, option 60 echoed, siaddr and file set, broadcast`, () => {
      const h = proxy();
      const plan = h.send(request({ options: [...firmware[name]] }))!;
      assert.equal(plan.kind, 'proxy-offer');
      const r = plan.reply!;
      assert.deepEqual([r.yiaddr, r.siaddr, r.sname, r.file, r.flags & 0x8000], ['0.0.0.0', '10.0.0.1', '10.0.0.1', w.file, 0x8000]);
      assert.deepEqual([hex(r, 53), hex(r, 54), str(r, 60), hex(r, 43), str(r, 67)], ['02', '0a000001', w.opt60, w.opt43, w.opt67]);
      assert.ok(![1, 3, 6, 51, 58, 59].some((c) => codes(r).includes(c)), `no lease/network options: ${codes(r)}`);
      assert.equal(hex(r, 97), hex(request({ options: [...firmware[name]] }), 97) ?? undefined);
      assert.deepEqual(plan.to, { address: '255.255.255.255', port: 68 });
      assert.deepEqual(plan.effects, []);
      assert.deepEqual(h.repo.leases(), []);
    });
  }

  const ignored: [string, Parameters<typeof request>[0]][] = [
    ['a non-PXE client (Linux)', { options: [...firmware.linux] }],
    ['ARM64 PXE (no iPXE build for it)', { options: [...firmware.arm64Pxe] }],
    ['a PXE REQUEST to the real DHCP server on port 67', { type: T.Request, options: [...firmware.biosPxe, ipOpt(54, '10.0.0.9')] }],
    ['a DHCPINFORM on port 67', { type: T.Inform, ciaddr: '10.0.0.5', options: [...firmware.ovmfPxe] }],
  ];
  for (const [name, spec] of ignored) test(`${name} gets nothing`, () => assert.equal(proxy().send(request(spec)), null));
});

describe('proxyDHCP: port 4011 ACKs the boot file', () => {
  test('OVMF PXE REQUEST to 4011 gets a unicast ACK with file, 54, 60 and 97 and no address', () => {
    const h = proxy();
    const plan = h.send(request({ type: T.Request, ciaddr: '10.0.0.77', options: [...firmware.ovmfPxe] }), { via: 'proxy', from: { address: '10.0.0.77', port: 68 } })!;
    assert.equal(plan.kind, 'proxy-ack');
    const r = plan.reply!;
    assert.deepEqual([hex(r, 53), r.yiaddr, r.ciaddr, r.siaddr, r.file, str(r, 60)], ['05', '0.0.0.0', '10.0.0.77', '10.0.0.1', 'snponly.efi', 'PXEClient']);
    assert.equal(hex(r, 97), hex(request({ options: [...firmware.ovmfPxe] }), 97));
    assert.deepEqual(plan.to, { address: '10.0.0.77', port: 68 });
  });

  test('iPXE ProxyDHCPREQUEST to 4011 gets the script URL', () => {
    const plan = proxy().send(request({ type: T.Request, ciaddr: '10.0.0.78', options: [...firmware.ipxeChainBios] }), { via: 'proxy', from: { address: '10.0.0.78', port: 68 } })!;
    assert.equal(str(plan.reply, 67), SCRIPT);
  });

  test('a non-PXE REQUEST on 4011 and a DISCOVER on 4011 get nothing', () => {
    assert.equal(proxy().send(request({ type: T.Request, options: [...firmware.linux] }), { via: 'proxy' }), null);
    assert.equal(proxy().send(request({ options: [...firmware.ovmfPxe] }), { via: 'proxy' }), null);
  });
});
