// (a) SeaBIOS + QEMU's iPXE NIC ROM gets an address from dnsmasq and runs an iPXE script
// fetched over TFTP; (d) a VM on a bridge without a DHCP server gets no address. Both VMs
// run at once in one lab. Real firmware under QEMU (TCG unless KVM passes the probe).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { createLab, labAccel, type Dnsmasq, type Lab } from '../../helpers/lab.js';
import { BOOT_OK, bootFiles } from './fixtures.js';

const BOOT_TIMEOUT = 600_000;

describe('lab: BIOS network boot', { concurrency: true }, () => {
  let lab: Lab;
  let dns: Dnsmasq;
  let files: string;

  before(async () => {
    lab = await createLab({ bridges: ['br0', 'br1'] });
    files = await bootFiles();
    dns = await lab.startDnsmasq({ bridge: 'br0', tftpRoot: files, extra: ['--dhcp-boot=boot.ipxe'] });
    console.log(`lab ${lab.name}, accel ${await labAccel()}`);
  });
  after(async () => {
    await lab?.destroy();
    if (files) await rm(files, { recursive: true, force: true });
  });

  test('(a) SeaBIOS + iPXE ROM: DHCP from dnsmasq, boot script over TFTP', async () => {
    const started = Date.now();
    const vm = await lab.bootVm({ firmware: 'bios', bridge: 'br0' });
    const [, platform, mac, ip] = await vm.waitForSerial(BOOT_OK, BOOT_TIMEOUT);
    console.log(`(a) ${vm.accel}: script ran after ${Date.now() - started} ms`);
    assert.equal(platform, 'pcbios');
    assert.equal(mac, vm.mac);
    assert.match(ip ?? '', /^10\.77\.0\.\d+$/);
    assert.match(vm.serialLog(), /iPXE \(PCI [0-9a-f:.]+\) starting execution/);
    await dns.waitForLog(new RegExp(`DHCPACK\\(br0\\) ${ip} ${vm.mac}`), 10_000);
    await dns.waitForLog(new RegExp(`sent \\S+/boot\\.ipxe to ${ip}`), 10_000);
    assert.deepEqual(await vm.qmp('query-status'), { status: 'running', singlestep: false, running: true });
    await vm.stop();
    assert.ok(vm.process.hasExited());
  });

  test('(d) no DHCP server on br1: iPXE gets no address', async () => {
    const started = Date.now();
    const vm = await lab.bootVm({ firmware: 'bios', bridge: 'br1' });
    await vm.waitForSerial(/No configuration methods\s+succeeded/, BOOT_TIMEOUT);
    console.log(`(d) ${vm.accel}: DHCP gave up after ${Date.now() - started} ms`);
    assert.match(vm.serialLog(), new RegExp(`Configuring \\(net0 ${vm.mac}\\)`));
    assert.doesNotMatch(vm.serialLog(), /VIZOR-LAB-OK/);
    assert.ok(!dns.log().includes(vm.mac), 'the br0 dnsmasq never heard from the br1 VM');
    await vm.stop();
  });
});
