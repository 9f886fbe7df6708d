import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseBootFile, classifyClient, ipxeScriptUrl, type BootChoice } from '../../../../src/boot/dhcp/index.js';
import { UUID, firmware, request } from './packets.js';

const cfg = { serverAddress: '10.0.0.1', httpPort: 8080, efiBootFile: 'snponly.efi' as const };
const SCRIPT = 'http://10.0.0.1:8080/boot/ipxe?mac=${mac:hexhyp}&uuid=${uuid}&buildarch=${buildarch}&platform=${platform}';

describe('classifyClient per firmware', () => {
  const cases: [keyof typeof firmware, { arch: number | null; isPxe: boolean; isHttpBoot: boolean; isIpxe: boolean; uuid: string | null }][] = [
    ['seabiosIpxeRom', { arch: 0, isPxe: true, isHttpBoot: false, isIpxe: true, uuid: UUID }],
    ['biosPxe', { arch: 0, isPxe: true, isHttpBoot: false, isIpxe: false, uuid: UUID }],
    ['ovmfPxe', { arch: 7, isPxe: true, isHttpBoot: false, isIpxe: false, uuid: UUID }],
    ['ovmfHttp', { arch: 16, isPxe: false, isHttpBoot: true, isIpxe: false, uuid: UUID }],
    ['ipxeChainBios', { arch: 0, isPxe: true, isHttpBoot: false, isIpxe: true, uuid: UUID }],
    ['ipxeChainEfiRfc3004', { arch: 7, isPxe: true, isHttpBoot: false, isIpxe: true, uuid: UUID }],
    ['arm64Pxe', { arch: 11, isPxe: true, isHttpBoot: false, isIpxe: false, uuid: null }],
    ['linux', { arch: null, isPxe: false, isHttpBoot: false, isIpxe: false, uuid: null }],
  ];
  for (const [name, want] of cases) {
    test(name, () => {
      const c = classifyClient(request({ options: [...firmware[name]] }));
      assert.deepEqual({ arch: c.arch, isPxe: c.isPxe, isHttpBoot: c.isHttpBoot, isIpxe: c.isIpxe, uuid: c.uuid }, want);
      assert.equal(c.mac, '52:54:00:12:34:56');
    });
  }
  test('arch falls back to the Arch field of option 60 when option 93 is missing', () => {
    assert.equal(classifyClient(request({ options: [{ code: 60, data: Buffer.from('PXEClient:Arch:00009:UNDI:003016') }] })).arch, 9);
  });
});

describe('chooseBootFile per firmware', () => {
  const cases: [keyof typeof firmware, BootChoice | null][] = [
    ['seabiosIpxeRom', { transport: 'http', file: SCRIPT, firmware: 'ipxe', vendorClass: 'PXEClient' }],
    ['biosPxe', { transport: 'tftp', file: 'undionly.kpxe', firmware: 'bios', vendorClass: 'PXEClient' }],
    ['ovmfPxe', { transport: 'tftp', file: 'snponly.efi', firmware: 'efi', vendorClass: 'PXEClient' }],
    ['ovmfHttp', { transport: 'http', file: 'http://10.0.0.1:8080/boot/snponly.efi', firmware: 'efi-http', vendorClass: 'HTTPClient' }],
    ['ipxeChainBios', { transport: 'http', file: SCRIPT, firmware: 'ipxe', vendorClass: 'PXEClient' }],
    ['ipxeChainEfiRfc3004', { transport: 'http', file: SCRIPT, firmware: 'ipxe', vendorClass: 'PXEClient' }],
    ['arm64Pxe', null],
    ['linux', null],
  ];
  for (const [name, want] of cases) {
    test(name, () => assert.deepEqual(chooseBootFile(classifyClient(request({ options: [...firmware[name]] })), cfg), want));
  }
  test('efiBootFile ipxe.efi is used for UEFI PXE (arch 9 too) and HTTP boot', () => {
    const c = { ...cfg, efiBootFile: 'ipxe.efi' as const };
    const arch9 = request({ options: [{ code: 93, data: Buffer.from([0, 9]) }, { code: 60, data: Buffer.from('PXEClient:Arch:00009:UNDI:003016') }] });
    assert.equal(chooseBootFile(classifyClient(arch9), c)?.file, 'ipxe.efi');
    assert.equal(chooseBootFile(classifyClient(request({ options: [...firmware.ovmfHttp] })), c)?.file, 'http://10.0.0.1:8080/boot/ipxe.efi');
  });
  test('the iPXE script URL keeps the query shape and fits BOOTP file (< 128 bytes) for the longest address', () => {
    const url = ipxeScriptUrl('255.255.255.255', 65535);
    assert.match(url, /\/boot\/ipxe\?mac=\$\{mac:hexhyp\}&uuid=\$\{uuid\}&buildarch=\$\{buildarch\}&platform=\$\{platform\}$/);
    assert.ok(url.length < 128, `${url.length} bytes`);
  });
});
