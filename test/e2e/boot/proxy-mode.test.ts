// End to end, proxyDHCP: dnsmasq is the network's ordinary DHCP server and hands out the
// addresses; vizor answers only PXE clients with boot information (ports 67 and 4011) and
// never an address. Real SeaBIOS+iPXE and OVMF firmware in QEMU, in a private namespace.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLab, randomMac, type Dnsmasq, type Lab, type Vm } from '../../helpers/lab.js';
import { startVizorInLab, vizorCli, type LabVizor } from '../../helpers/vizor-lab.js';

const BOOT_TIMEOUT = 420_000;

describe('network boot through vizor, proxyDHCP beside dnsmasq', { timeout: 900_000 }, () => {
  let lab: Lab;
  let vizor: LabVizor;
  let dnsmasq: Dnsmasq;
  const macs = { bios: randomMac(), uefiPxe: randomMac() };
  const vms: Record<string, Vm> = {};

  before(async () => {
    lab = await createLab({ bridges: ['br0'] });
    dnsmasq = await lab.startDnsmasq({ bridge: 'br0' });
    vizor = await startVizorInLab(lab, { interfaces: ['br0'], defaultTask: 'local', dhcp: { mode: 'proxy' } });
    for (const [name, mac] of Object.entries(macs)) {
      const script = join(lab.dir, `${name}.ipxe`);
      writeFileSync(script, `#!ipxe\necho VIZOR-PROXY-${name}-OK\nsleep 600\n`);
      await vizorCli(vizor.configFile, ['node', 'add', mac, '--task', 'script', '--script', script]);
    }
    const [bios, uefiPxe] = await Promise.all([
      lab.bootVm({ firmware: 'bios', bridge: 'br0', mac: macs.bios }),
      lab.bootVm({ firmware: 'uefi', bridge: 'br0', mac: macs.uefiPxe, nicRom: false }),
    ]);
    Object.assign(vms, { bios, uefiPxe });
  });

  after(async () => {
    await lab?.destroy();
  });

  test('(d) BIOS with the iPXE ROM: address from dnsmasq, script from vizor', async () => {
    await vms.bios!.waitForSerial(/VIZOR-PROXY-bios-OK/, BOOT_TIMEOUT);
    const k = vizor.events(macs.bios).map((e) => e.kind);
    assert.ok(k.includes('proxy-offer'), k.join(','));
    assert.ok(k.includes('http-script'));
    assert.match(dnsmasq.log(), new RegExp(`DHCPACK\\(br0\\) \\S+ ${macs.bios}`));
  });

  test('(d) UEFI firmware PXE: address from dnsmasq, snponly.efi over vizor TFTP, then the script', async () => {
    await vms.uefiPxe!.waitForSerial(/VIZOR-PROXY-uefiPxe-OK/, BOOT_TIMEOUT);
    const ev = vizor.events(macs.uefiPxe);
    const k = ev.map((e) => e.kind);
    assert.ok(k.includes('proxy-offer') || k.includes('proxy-ack'), k.join(','));
    assert.ok(ev.some((e) => e.kind === 'tftp-done' && e.detail.file === 'snponly.efi'), `TFTP of snponly.efi: ${k.join(',')}`);
    assert.ok(k.includes('http-script'));
    assert.match(dnsmasq.log(), new RegExp(`DHCPACK\\(br0\\) \\S+ ${macs.uefiPxe}`));
  });

  test('vizor handed out no address', () => {
    assert.deepEqual(vizor.leases(), []);
    for (const mac of Object.values(macs)) assert.ok(!vizor.events(mac).some((e) => e.kind === 'dhcp-offer' || e.kind === 'dhcp-ack'));
  });
});
