import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as o from '../../../../src/boot/dhcp/options.js';
import { GUID, UUID, firmware, ipOpt, opt, request } from './packets.js';

const p = (...options: ReturnType<typeof opt>[]) => request({ options });

describe('dhcp option accessors', () => {
  const cases: [string, () => unknown, unknown][] = [
    ['message type', () => o.messageType(request({ type: 3 })), 3],
    ['message type missing (BOOTP)', () => o.messageType({ ...request(), options: [] }), null],
    ['message type wrong length', () => o.messageType({ ...request(), options: [opt(53, [1, 2])] }), null],
    ['requested ip', () => o.requestedIp(p(ipOpt(50, '10.0.0.7'))), '10.0.0.7'],
    ['requested ip wrong length', () => o.requestedIp(p(opt(50, [10, 0, 0]))), null],
    ['server id', () => o.serverId(p(ipOpt(54, '10.0.0.1'))), '10.0.0.1'],
    ['parameter request list keeps order', () => o.paramRequestList(p(opt(55, [67, 1, 3]))), [67, 1, 3]],
    ['parameter request list absent', () => o.paramRequestList(p()), []],
    ['max message size', () => o.maxMessageSize(p(opt(57, [5, 0xc0]))), 1472],
    ['max message size malformed', () => o.maxMessageSize(p(opt(57, [5]))), null],
    ['client id', () => o.clientId(p(opt(61, [1, 0x52, 0x54, 0, 1, 2, 3])))?.toString('hex'), '01525400010203'],
    ['hostname', () => o.hostName(p(opt(12, 'web01'))), 'web01'],
    ['hostname with trailing NUL', () => o.hostName(p(opt(12, 'web01\0'))), 'web01'],
    ['vendor class PXE', () => o.vendorClass(p(opt(60, 'PXEClient:Arch:00007:UNDI:003016'))), 'PXEClient:Arch:00007:UNDI:003016'],
    ['vendor class HTTP', () => o.vendorClass(p(opt(60, 'HTTPClient:Arch:00016:UNDI:003000'))), 'HTTPClient:Arch:00016:UNDI:003000'],
    ['arch list', () => o.clientArch(p(opt(93, [0, 7, 0, 9]))), [7, 9]],
    ['arch odd length', () => o.clientArch(p(opt(93, [0, 7, 0]))), []],
    ['uuid', () => o.clientUuid(p(opt(97, GUID))), UUID],
    ['uuid wrong type byte', () => o.clientUuid(p(opt(97, Buffer.concat([Buffer.from([1]), GUID.subarray(1)])))), null],
    ['uuid wrong length', () => o.clientUuid(p(opt(97, GUID.subarray(0, 16)))), null],
    ['user class bare iPXE', () => o.userClass(p(opt(77, 'iPXE'))), ['iPXE']],
    ['user class RFC 3004 list', () => o.userClass(p(opt(77, Buffer.from('\x04iPXE\x03foo', 'latin1')))), ['iPXE', 'foo']],
    ['user class with a zero-length entry is bare', () => o.userClass(p(opt(77, Buffer.from([0, 65])))), ['\0A']],
    ['user class absent', () => o.userClass(p()), []],
    ['option 175 present', () => o.hasIpxeOption(request({ options: [...firmware.seabiosIpxeRom] })), true],
    ['option 175 absent', () => o.hasIpxeOption(request({ options: [...firmware.ovmfPxe] })), false],
  ];
  for (const [name, get, want] of cases) test(name, () => assert.deepEqual(get(), want));
});

describe('dhcp option builders', () => {
  const cases: [string, ReturnType<typeof opt>, string][] = [
    ['ip list', o.ipOption(6, '10.0.0.1', '1.1.1.1'), '0a00000101010101'],
    ['u32', o.u32Option(51, 3600), '00000e10'],
    ['u8', o.u8Option(53, 2), '02'],
    ['text', o.textOption(60, 'PXEClient'), Buffer.from('PXEClient').toString('hex')],
    ['PXE discovery control', o.pxeVendorOptions([{ code: o.PxeSubOption.DiscoveryControl, data: Buffer.from([8]) }]), '060108ff'],
  ];
  for (const [name, entry, hex] of cases) test(name, () => assert.equal(entry.data.toString('hex'), hex));
  test('the option table uses RFC names with their codes', () => {
    assert.equal(o.DhcpOption.ClientSystemArchitecture, 93);
    assert.equal(o.DhcpOption.ClientMachineId, 97);
    assert.equal(o.DhcpOption.UserClass, 77);
    assert.equal(o.DhcpOption.IpxeEncapsulated, 175);
  });
});
