// End to end, the real Debian installer: a BIOS VM boots through vizor's DHCP, iPXE and
// HTTP script, loads d-i's kernel and initrd from vizor's /media route (out of an ISO
// cataloged through a file source), and d-i fetches its per-node preseed from vizor.
// Assertions are on what vizor recorded. The install itself cannot finish here (the ISO
// holds no packages and the lab has no internet), so the VM is stopped once the preseed
// was fetched.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createLab, randomMac, type Lab, type Vm } from '../../helpers/lab.js';
import { startVizorInLab, vizorCli, type LabVizor } from '../../helpers/vizor-lab.js';
import { DEBIAN_NETBOOT_DIR, debianNetbootIso, waitForEvent } from '../../helpers/linux-iso.js';

const PRESEED_TIMEOUT = 600_000;
// A missing prerequisite fails the run with what to install; it never skips.
if (!existsSync(`${DEBIAN_NETBOOT_DIR}/linux`)) {
  throw new Error(`the Linux install end-to-end test needs the Debian package debian-installer-12-netboot-amd64 (${DEBIAN_NETBOOT_DIR}/linux is missing): run bash scripts/deps.sh`);
}

describe('Linux install: the Debian installer boots from vizor and fetches its preseed', { timeout: 900_000 }, () => {
  let lab: Lab;
  let vizor: LabVizor;
  let vm: Vm;
  let isoId = 0;
  const mac = randomMac();

  before(async () => {
    lab = await createLab({ bridges: ['br0'] });
    const br0 = lab.bridge('br0');
    const net = br0.address.split('.').slice(0, 3).join('.');
    vizor = await startVizorInLab(lab, {
      interfaces: ['br0'],
      defaultTask: 'local',
      dhcp: { mode: 'full', poolStart: `${net}.100`, poolEnd: `${net}.150`, router: br0.address, dns: [br0.address] },
    });
    const isoDir = await debianNetbootIso(lab.dir);
    await vizorCli(vizor.configFile, ['source', 'add', 'isos', `file://${isoDir}`]);
    await vizorCli(vizor.configFile, ['catalog', 'scan', 'isos']);
    const isos = JSON.parse(await vizorCli(vizor.configFile, ['--json', 'catalog', 'list'])) as { id: number; path: string; kind: string }[];
    isoId = isos.find((i) => i.path.endsWith('debian-12-netinst.iso'))?.id ?? 0;
    await vizorCli(vizor.configFile, ['node', 'add', mac, '--name', 'e2e-debian']);
    // The serial console lets a failure show where d-i stopped (in the lab's serial log).
    await vizorCli(vizor.configFile, ['node', 'set-task', 'e2e-debian', 'linux-install', '--iso', String(isoId), '--kernel-args', 'console=ttyS0,115200n8',
      '--value', 'root_password_hash=$6$e2eSALT$0TzX7fJ1q8f4d1YtQkVbqK6cZf7m4yWlq3v5sXo2pGJ9sFJm8ZyC3b6nQe1uR0aD5hL2iK4gT7oP9wE3xS1vB.']);
    vm = await lab.bootVm({ firmware: 'bios', bridge: 'br0', mac, memoryMb: 1024, timeoutMs: PRESEED_TIMEOUT + 120_000 });
  });

  after(async () => {
    await lab?.destroy();
  });

  test('the catalog sees the ISO as a Debian installer with kernel and initrd', async () => {
    assert.ok(isoId > 0, 'the ISO was cataloged');
    const iso = JSON.parse(await vizorCli(vizor.configFile, ['--json', 'catalog', 'show', String(isoId)])) as { linux: { distro: string; kernelPath: string; initrdPath: string } | null };
    assert.equal(iso.linux?.distro, 'debian');
    assert.match(iso.linux?.kernelPath ?? '', /install\.amd\/vmlinuz$/i);
    assert.match(iso.linux?.initrdPath ?? '', /install\.amd\/initrd\.gz$/i);
  });

  test('iPXE gets the linux-install script, loads kernel and initrd from /media, and d-i fetches its preseed', async () => {
    try {
      await waitForEvent(() => vizor.events(mac), (e) => e.kind === 'answer-fetch', PRESEED_TIMEOUT, vm);
    } catch (err) {
      throw new Error(`${(err as Error).message}\nevents: ${vizor.events(mac).map((e) => e.kind).join(',')}\nserial tail:\n${vm.serialLog().slice(-3000)}`);
    }
    const ev = vizor.events(mac);
    const k = ev.map((e) => e.kind);
    const script = ev.find((e) => e.kind === 'http-script' && e.detail.task === 'linux-install');
    assert.ok(script, `a linux-install script was served: ${k.join(',')}`);
    const fetched = (path: RegExp) => ev.find((e) => e.kind === 'http-fetch' && path.test(String(e.detail.path)) && e.detail.status === 200);
    const kernel = fetched(new RegExp(`^/media/${isoId}/install\\.amd/vmlinuz$`, 'i'));
    const initrd = fetched(new RegExp(`^/media/${isoId}/install\\.amd/initrd\\.gz$`, 'i'));
    assert.ok(kernel, `kernel fetched from /media/${isoId}: ${JSON.stringify(ev.filter((e) => e.kind === 'http-fetch'))}`);
    assert.ok(initrd, 'initrd fetched');
    assert.ok(Number(kernel.detail.bytes) > 1_000_000 && Number(initrd.detail.bytes) > 1_000_000, 'whole files were sent');
    const answer = ev.find((e) => e.kind === 'answer-fetch')!;
    assert.equal(answer.detail.file, 'preseed.cfg');
    assert.equal(answer.detail.isoId, isoId);
    assert.ok(ev.indexOf(script) < ev.indexOf(kernel) && ev.indexOf(initrd) < ev.indexOf(answer), 'script, then kernel and initrd, then preseed');
    // d-i asked DHCP again from Linux (after iPXE did), before it could fetch the preseed.
    assert.ok(k.lastIndexOf('dhcp-ack') > ev.indexOf(initrd), 'd-i configured its network through vizor\'s DHCP');
    assert.ok(!vizor.process.output().includes('e2eSALT'), 'the answer file (with its hash) is not in vizor\'s log');
    await vm.stop();
  });
});
