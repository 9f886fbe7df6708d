// (b) OVMF without a NIC ROM PXE-boots with its own stack: snponly.efi over TFTP from
// dnsmasq, then iPXE DHCPs again and runs boot.ipxe over HTTP. (c) OVMF's UEFI HTTP boot,
// selected without interaction by turning OVMF's PXE off through fw_cfg: dnsmasq answers
// the HTTPClient vendor class with an http:// URL for snponly.efi. Both VMs run at once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { createLab, labAccel, type Dnsmasq, type HttpServer, type Lab } from '../../helpers/lab.js';
import { BOOT_OK, bootFiles, dhcpTransactions } from './fixtures.js';

const BOOT_TIMEOUT = 600_000;

describe('lab: UEFI network boot', { concurrency: true }, () => {
  let lab: Lab;
  let dns: Dnsmasq;
  let http: HttpServer;
  let files: string;

  before(async () => {
    lab = await createLab();
    files = await bootFiles();
    http = await lab.serveHttp({ root: files });
    dns = await lab.startDnsmasq({
      bridge: 'br0',
      tftpRoot: files,
      extra: [
        '--dhcp-match=set:efi,option:client-arch,7',
        '--dhcp-match=set:efi,option:client-arch,9',
        '--dhcp-userclass=set:ipxe,iPXE',
        '--dhcp-vendorclass=set:http,HTTPClient',
        '--dhcp-option-force=tag:http,60,HTTPClient',
        `--dhcp-boot=tag:http,tag:!ipxe,${http.url}snponly.efi`,
        '--dhcp-boot=tag:efi,tag:!ipxe,snponly.efi',
        `--dhcp-boot=tag:ipxe,${http.url}boot.ipxe`,
      ],
    });
    console.log(`lab ${lab.name}, accel ${await labAccel()}`);
  });
  after(async () => {
    await lab?.destroy();
    if (files) await rm(files, { recursive: true, force: true });
  });

  test('(b) OVMF PXE (no NIC ROM): snponly.efi over TFTP, then boot.ipxe over HTTP', async () => {
    const started = Date.now();
    const vm = await lab.bootVm({ firmware: 'uefi', bridge: 'br0', nicRom: false });
    const [, platform, mac, ip] = await vm.waitForSerial(BOOT_OK, BOOT_TIMEOUT);
    console.log(`(b) ${vm.accel}: script ran after ${Date.now() - started} ms`);
    assert.equal(platform, 'efi');
    assert.equal(mac, vm.mac);
    const macHex = vm.mac.replace(/:/g, '');
    assert.match(vm.serialLog(), new RegExp(`UEFI PXEv4 \\(MAC:${macHex}\\)`, 'i'));
    assert.match(vm.serialLog(), /NBP filename is snponly\.efi/);
    assert.match(vm.serialLog(), /using SNP on SNP-/, 'iPXE drives the NIC through OVMF (no ROM)');
    await dns.waitForLog(new RegExp(`sent \\S+/snponly\\.efi to ${ip}`), 10_000);
    const acks = dhcpTransactions(dns.log(), vm.mac).filter((t) => t.includes('DHCPACK'));
    assert.ok(acks.some((t) => /vendor class: PXEClient:Arch:00007/.test(t) && /tags: efi, br0/.test(t)), 'firmware PXE');
    assert.ok(acks.some((t) => /user class: iPXE/.test(t) && /tags: ipxe, efi, br0/.test(t)), 'then iPXE');
    const served = http.requests().filter((r) => r.client === ip && r.status === 200).map((r) => r.path);
    assert.ok(served.includes('/boot.ipxe') && !served.includes('/snponly.efi'), `served: ${served.join(', ')}`);
    await vm.stop();
  });

  test('(c) OVMF UEFI HTTP boot: snponly.efi and boot.ipxe over HTTP, no TFTP', async () => {
    const started = Date.now();
    const vm = await lab.bootVm({ firmware: 'uefi', bridge: 'br0', httpBoot: true });
    const [, platform, , ip] = await vm.waitForSerial(BOOT_OK, BOOT_TIMEOUT);
    console.log(`(c) ${vm.accel}: script ran after ${Date.now() - started} ms`);
    assert.equal(platform, 'efi');
    const macHex = vm.mac.replace(/:/g, '');
    assert.match(vm.serialLog(), /Start HTTP Boot over IPv4/);
    assert.match(vm.serialLog(), new RegExp(`UEFI HTTPv4 \\(MAC:${macHex}\\)`, 'i'));
    assert.doesNotMatch(vm.serialLog(), /UEFI PXEv4/);
    const acks = dhcpTransactions(dns.log(), vm.mac).filter((t) => t.includes('DHCPACK'));
    assert.ok(acks.some((t) => /vendor class: HTTPClient:Arch:00016/.test(t) && /tags: http, br0/.test(t)), 'firmware HTTP boot');
    assert.ok(acks.some((t) => /tags: ipxe/.test(t)), 'then iPXE');
    const served = http.requests().filter((r) => r.client === ip && r.status === 200).map((r) => r.path);
    assert.ok(served.includes('/snponly.efi') && served.includes('/boot.ipxe'), `served: ${served.join(', ')}`);
    assert.doesNotMatch(dns.log(), new RegExp(`sent \\S+ to ${ip}$`, 'm'), 'no TFTP for this client');
    await vm.stop();
  });
});
