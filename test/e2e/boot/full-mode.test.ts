// End to end, full DHCP mode: real firmware in QEMU boots through vizor's own DHCP, TFTP
// and HTTP servers, inside a namespace this test creates; every assertion is on what
// vizor's servers recorded. A second bridge, where vizor is not configured, gets nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLab, randomMac, type Lab, type Vm } from '../../helpers/lab.js';
import { startVizorInLab, vizorCli, type LabVizor } from '../../helpers/vizor-lab.js';

const BOOT_TIMEOUT = 420_000;

describe('network boot through vizor, full DHCP mode', { timeout: 900_000 }, () => {
  let lab: Lab;
  let vizor: LabVizor;
  const macs = { bios: randomMac(), uefiPxe: randomMac(), uefiHttp: randomMac(), other: randomMac() };
  const vms: Record<string, Vm> = {};

  before(async () => {
    lab = await createLab({ bridges: ['br0', 'br1'] });
    const br0 = lab.bridge('br0');
    const net = br0.address.split('.').slice(0, 3).join('.');
    vizor = await startVizorInLab(lab, {
      interfaces: ['br0'],
      defaultTask: 'local',
      dhcp: { mode: 'full', poolStart: `${net}.100`, poolEnd: `${net}.150`, router: br0.address, dns: [br0.address] },
    });
    for (const [name, mac] of Object.entries(macs)) {
      await vizorCli(vizor.configFile, ['node', 'add', mac, '--name', `e2e-${name}`, '--task', 'script', '--script', writeScript(lab, name)]);
    }
    // All VMs boot at once; each test waits for its own.
    const [bios, uefiPxe, uefiHttp, other] = await Promise.all([
      lab.bootVm({ firmware: 'bios', bridge: 'br0', mac: macs.bios }),
      lab.bootVm({ firmware: 'uefi', bridge: 'br0', mac: macs.uefiPxe, nicRom: false }),
      lab.bootVm({ firmware: 'uefi', bridge: 'br0', mac: macs.uefiHttp, nicRom: false, httpBoot: true }),
      lab.bootVm({ firmware: 'bios', bridge: 'br1', mac: macs.other }),
    ]);
    Object.assign(vms, { bios, uefiPxe, uefiHttp, other });
  });

  after(async () => {
    await lab?.destroy();
  });

  function kinds(mac: string): string[] {
    return vizor.events(mac).map((e) => e.kind);
  }

  test('(a) BIOS: SeaBIOS with QEMU\'s iPXE ROM reaches its node-specific script', async () => {
    await vms.bios!.waitForSerial(/VIZOR-E2E-bios-OK/, BOOT_TIMEOUT);
    const k = kinds(macs.bios);
    for (const step of ['dhcp-discover', 'dhcp-offer', 'dhcp-request', 'dhcp-ack', 'http-script']) assert.ok(k.includes(step), `${step} in ${k.join(',')}`);
    const script = vizor.events(macs.bios).find((e) => e.kind === 'http-script')!;
    assert.equal(script.detail.task, 'script');
    assert.equal(script.detail.platform, 'pcbios');
    assert.ok(vizor.leases().some((l) => l.mac === macs.bios && l.state === 'bound'));
  });

  test('(b) UEFI: OVMF\'s own PXE fetches snponly.efi over TFTP, then comes back as iPXE for its HTTP script', async () => {
    await vms.uefiPxe!.waitForSerial(/VIZOR-E2E-uefiPxe-OK/, BOOT_TIMEOUT);
    const ev = vizor.events(macs.uefiPxe);
    const k = ev.map((e) => e.kind);
    const tftp = ev.find((e) => e.kind === 'tftp-done');
    assert.ok(tftp, `a TFTP transfer completed: ${k.join(',')}`);
    assert.equal(tftp.detail.file, 'snponly.efi');
    assert.ok(k.indexOf('tftp-done') < k.lastIndexOf('dhcp-ack'), 'iPXE asked DHCP again after the TFTP download');
    const script = ev.find((e) => e.kind === 'http-script')!;
    assert.equal(script.detail.platform, 'efi');
    assert.ok(k.indexOf('tftp-done') < k.indexOf('http-script'));
  });

  test('(c) UEFI HTTP boot: OVMF fetches iPXE over HTTP, then its script', async () => {
    await vms.uefiHttp!.waitForSerial(/VIZOR-E2E-uefiHttp-OK/, BOOT_TIMEOUT);
    const ev = vizor.events(macs.uefiHttp);
    const fetched = ev.find((e) => e.kind === 'http-fetch');
    assert.ok(fetched, `iPXE was fetched over HTTP: ${ev.map((e) => e.kind).join(',')}`);
    assert.equal(fetched.detail.path, '/boot/snponly.efi');
    assert.ok(!ev.some((e) => e.kind.startsWith('tftp')), 'no TFTP on the HTTP boot path');
    assert.ok(ev.some((e) => e.kind === 'http-script'));
  });

  test('(e) a machine on a bridge where vizor is not configured gets no offer', async () => {
    await vms.uefiPxe!.waitForSerial(/VIZOR-E2E-uefiPxe-OK/, BOOT_TIMEOUT); // by now br1's VM has long given up
    assert.deepEqual(kinds(macs.other), []);
    assert.doesNotMatch(vms.other!.serialLog(), /VIZOR-E2E/);
    assert.match(vms.other!.serialLog(), /No configuration methods succeeded|Connection timed out|No more network devices/i);
  });

  test('BIOS clients without iPXE get undionly.kpxe over TFTP, byte-exact', async () => {
    const out = join(lab.dir, 'undionly.kpxe');
    await lab.exec('curl', ['-sS', '--fail', '-o', out, `tftp://${lab.bridge('br0').address}/undionly.kpxe`]);
    const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
    assert.equal(sha(out), sha('/usr/lib/ipxe/undionly.kpxe'));
  });
});

function writeScript(lab: Lab, name: string): string {
  const path = join(lab.dir, `${name}.ipxe`);
  // Printed to the serial console; then the VM idles until the lab stops it.
  writeFileSync(path, `#!ipxe\necho VIZOR-E2E-${name}-OK\necho platform=\${platform}\nsleep 600\n`);
  return path;
}
