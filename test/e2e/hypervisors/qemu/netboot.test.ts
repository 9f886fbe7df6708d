// End to end, the QEMU driver on a bridge inside a private namespace where vizor serves
// DHCP, iPXE scripts and HTTP: a container network-boots through vizor, then falls through
// to a GRUB CD that reads the driver-attached FAT12 floppy (built by vizor's writer) and
// prints a nonce on the serial console; snapshot and revert roll the disk back; the VM
// becomes a template; two clones with overlay disks and their own MACs boot through vizor;
// destroying everything leaves no QEMU, no tap and no file behind.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createQemuDriver, type QemuDriver } from '../../../../src/hypervisors/qemu/index.js';
import { HvStateError } from '../../../../src/hypervisors/errors.js';
import type { VmInfo } from '../../../../src/hypervisors/types.js';
import { buildFloppyImage } from '../../../../src/payloads/index.js';
import { cleanSerial, createLab, type Lab } from '../../../helpers/lab.js';
import { readText } from '../../../helpers/lab-process.js';
import { run } from '../../../helpers/lab-tools.js';
import { startVizorInLab, vizorCli, type LabVizor } from '../../../helpers/vizor-lab.js';
import { grubFloppyReaderIso, qcowInfo, qemuPidsMentioning, readDiskHead, requireGuestTools, writeDiskPattern } from './guest.js';

requireGuestTools();
const BOOT_TIMEOUT = 150_000;
const tag = { role: 'build' as const, owner: `e2e-${randomBytes(3).toString('hex')}` };

describe('QEMU driver: network boot through vizor, floppy payload, snapshots, template, clones', { timeout: 600_000 }, () => {
  let lab: Lab;
  let vizor: LabVizor;
  let driver: QemuDriver;
  let stateDir: string;
  let vm: VmInfo;
  const nonce = randomBytes(12).toString('hex');
  const clones: VmInfo[] = [];

  before(async () => {
    lab = await createLab({ bridges: ['br0'] });
    const br0 = lab.bridge('br0');
    const net = br0.address.split('.').slice(0, 3).join('.');
    vizor = await startVizorInLab(lab, {
      interfaces: ['br0'],
      defaultTask: 'local',
      dhcp: { mode: 'full', poolStart: `${net}.100`, poolEnd: `${net}.150`, router: br0.address, dns: [br0.address] },
    });
    const isoDir = join(lab.dir, 'isos');
    mkdirSync(isoDir);
    grubFloppyReaderIso(lab.dir, 'isos/floppy-reader.iso', 'Autounattend.xml');
    stateDir = join(lab.dir, 'qemu-state');
    driver = createQemuDriver({ stateDir, bridge: 'br0', netns: lab.name, accel: 'tcg', isoDir });
  });

  after(async () => {
    // best effort through the driver first, then the lab kills whatever is left in the namespace
    for (const v of [...clones, ...(vm ? [vm] : [])]) await driver?.destroy(v.id).catch(() => undefined);
    if (vm) await driver?.deleteTemplate(vm.id).catch(() => undefined);
    await lab?.destroy();
  });

  const events = (mac: string) => vizor.events(mac).map((e) => e.kind);
  async function waitForEvents(mac: string, kinds: string[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!kinds.every((k) => events(mac).includes(k))) {
      if (Date.now() > deadline) throw new Error(`no ${kinds.join('+')} for ${mac} within ${timeoutMs} ms: ${events(mac).join(',')}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  const taps = async () => (await lab.exec('ip', ['-o', 'link', 'show'])).stdout.split('\n').map((l) => /^\d+: ([^:@]+)/.exec(l)?.[1]).filter((n): n is string => !!n?.startsWith('vzt'));

  test('test() reports QEMU and the bridge in the namespace', async () => {
    const info = await driver.test();
    assert.equal(info.kind, 'qemu');
    assert.match(info.version, /^\d+\.\d+/);
    assert.equal(info.details?.netns, lab.name);
    assert.deepEqual((await driver.listResources('network')).map((r) => r.id), ['br0']);
    assert.deepEqual((await driver.listResources('iso')).map((r) => r.id), ['floppy-reader.iso']);
  });

  test('a container boots through vizor\'s DHCP and iPXE script, then GRUB from CD reads the floppy payload', async () => {
    vm = await driver.createContainer({ name: 'e2e-build', vcpus: 1, memoryMiB: 256, diskGiB: 1, network: 'br0', firmware: 'bios', tag });
    const mac = vm.macs[0]!;
    const script = join(lab.dir, 'pxe.ipxe');
    writeFileSync(script, '#!ipxe\necho VIZOR-QEMU-PXE ${net0/mac}\nexit\n');
    await vizorCli(vizor.configFile, ['node', 'add', mac, '--name', 'e2e-qemu', '--task', 'script', '--script', script]);
    const floppy = join(lab.dir, 'payload.img');
    writeFileSync(floppy, buildFloppyImage([{ name: 'Autounattend.xml', content: Buffer.from(`<unattend nonce="${nonce}"/>`) }], { label: 'VIZOR' }));
    const attached = await driver.attachPayload(vm.id, { kind: 'floppy', path: floppy, name: 'seat-unattend' });
    assert.equal(attached.kind, 'floppy');
    await driver.attachIso(vm.id, 'floppy-reader.iso');
    await driver.setBootOrder(vm.id, ['network', 'cdrom']);

    await driver.start(vm.id);
    assert.equal((await driver.getVm(vm.id)).power, 'running');
    assert.deepEqual(await taps(), [`vzt${vm.id.slice(2)}`]);
    const master = (await lab.exec('ip', ['-o', 'link', 'show', 'dev', `vzt${vm.id.slice(2)}`])).stdout;
    assert.match(master, /master br0/);

    // GRUB powers the VM off after printing: the driver sees it halt by itself
    await driver.waitForPower(vm.id, 'halted', { timeoutMs: BOOT_TIMEOUT });
    const serial = cleanSerial(readText(String(vm.details?.serialLog)));
    const printed = /VIZOR-FLOPPY-BEGIN\n([\s\S]*?)\nVIZOR-FLOPPY-END/.exec(serial)?.[1]?.trim();
    assert.equal(printed, `<unattend nonce="${nonce}"/>`, `serial console:\n${serial.slice(-2000)}`);
    assert.match(serial, /Autounattend\.xml/, 'GRUB lists the long file name');
    const k = events(mac);
    for (const step of ['dhcp-discover', 'dhcp-ack', 'http-script']) assert.ok(k.includes(step), `${step} in ${k.join(',')}`);
    assert.ok(k.indexOf('http-script') > k.indexOf('dhcp-ack'));
    assert.ok(vizor.leases().some((l) => l.mac === mac), 'vizor leased an address to the MAC the driver reported');
    assert.deepEqual(await taps(), [], 'the tap went with the VM');
    assert.deepEqual(qemuPidsMentioning(stateDir), []);
  });

  test('snapshot and revert roll the disk back; snapshots of a running VM are refused', async () => {
    const disk = String(vm.details?.disk);
    const before = await driver.snapshot(vm.id, 'clean', 'before the marker');
    assert.deepEqual((await driver.listSnapshots(vm.id)).map((s) => [s.id, s.name, s.description, s.powerAtSnapshot]), [[before.id, 'clean', 'before the marker', 'halted']]);
    writeDiskPattern(disk, 0x5a);
    assert.ok(readDiskHead(disk, lab.dir).every((b) => b === 0x5a), 'marker written');
    await driver.revert(vm.id, before.id);
    assert.ok(readDiskHead(disk, lab.dir).every((b) => b === 0), 'marker gone after revert');

    await driver.start(vm.id);
    await assert.rejects(driver.snapshot(vm.id, 'live', ''), HvStateError);
    await driver.stop(vm.id);
    assert.equal((await driver.getVm(vm.id)).power, 'halted');

    await driver.deleteSnapshot(vm.id, before.id);
    assert.deepEqual(await driver.listSnapshots(vm.id), []);
    assert.deepEqual(qcowInfo(disk).snapshots ?? [], []);
  });

  test('the VM becomes a template: media ejected, payload copy deleted, disk read-only', async () => {
    const tpl = await driver.convertToTemplate(vm.id, 'e2e-template');
    assert.deepEqual(tpl, { id: vm.id, name: 'e2e-template', published: false });
    const info = await driver.getVm(vm.id);
    assert.equal(info.isTemplate, true);
    assert.equal(info.tag?.role, 'template');
    assert.equal(info.details?.iso, undefined);
    assert.ok(!readdirSync(String(info.details?.dir)).some((f) => f.startsWith('payload')), 'payload copy deleted');
    assert.equal(statSync(String(info.details?.disk)).mode & 0o777, 0o444);
    await assert.rejects(driver.start(vm.id), HvStateError);
    await driver.publishTemplate(vm.id, true);
    assert.deepEqual((await driver.listResources('template')).map((r) => [r.id, r.details?.published]), [[vm.id, true]]);
  });

  test('two clones get overlay disks backed by the template and their own MACs, and both boot through vizor', async () => {
    for (const n of [1, 2]) clones.push(await driver.clone({ name: `e2e-seat-${n}`, templateId: vm.id, tag: { role: 'room', owner: `${tag.owner}/room` } }));
    const macs = clones.map((c) => c.macs[0]!);
    assert.equal(new Set([...macs, vm.macs[0]]).size, 3, 'three different MACs');
    const tplDisk = String(vm.details?.disk);
    for (const c of clones) {
      const info = qcowInfo(String(c.details?.disk));
      assert.equal(info['backing-filename'], `../${vm.id}/disk.qcow2`);
      assert.equal(resolve(info['full-backing-filename'] ?? ''), tplDisk);
    }
    await assert.rejects(driver.deleteTemplate(vm.id), HvStateError, 'a template with clones stays');

    await Promise.all(clones.map((c) => driver.start(c.id)));
    for (const c of clones) assert.equal((await driver.getVm(c.id)).power, 'running');
    assert.equal((await taps()).length, 2);
    // unregistered MACs get vizor's default task; the DHCP lease proves each clone's NIC is live
    await Promise.all(macs.map((m) => waitForEvents(m, ['dhcp-ack', 'http-script'], BOOT_TIMEOUT)));
    assert.deepEqual((await driver.listVms({ owner: `${tag.owner}/room` })).map((v) => v.id).sort(), clones.map((c) => c.id).sort());
  });

  test('destroying everything leaves no QEMU process, no tap and no file', async () => {
    await driver.stop(clones[0]!.id);
    assert.equal((await driver.getVm(clones[0]!.id)).power, 'halted');
    for (const c of clones) await driver.destroy(c.id);
    await driver.destroy(clones[0]!.id); // already gone: fine
    await driver.deleteTemplate(vm.id);
    await driver.deleteTemplate(vm.id);
    assert.deepEqual(await driver.listVms(), []);
    assert.deepEqual(qemuPidsMentioning(stateDir), []);
    const inNs = (await run('ip', ['netns', 'pids', lab.name])).stdout.split(/\s+/).filter(Boolean);
    assert.ok(!inNs.some((pid) => readText(`/proc/${pid}/cmdline`).includes('qemu-system')), 'no QEMU left in the namespace');
    assert.deepEqual(await taps(), []);
    assert.ok(existsSync(stateDir));
    assert.deepEqual(readdirSync(stateDir), []);
  });
});
