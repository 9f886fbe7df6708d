// The QEMU driver without a bridge (QEMU's user-mode network with restrict=on, so nothing
// leaves the VM) and without a guest OS: VMs sit in firmware, power changes go over QMP.
// This is the set-up contract tests use. Covers media swaps in a running VM (checked with
// QMP query-block), UEFI, a driver restarted over the same state, failure clean-up, the
// tools ISO lookup and the errors callers rely on.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  HvJobFailedError, HvNotFoundError, HvRequestError, HvStateError, HvTimeoutError, HvUnsupportedError,
} from '../../../../src/hypervisors/errors.js';
import { createQemuDriver, type QemuDriver } from '../../../../src/hypervisors/qemu/index.js';
import type { VmInfo } from '../../../../src/hypervisors/types.js';
import { buildFloppyImage } from '../../../../src/payloads/index.js';
import { qmpCommand } from '../../../helpers/lab-vm.js';
import { readText, waitForText } from '../../../helpers/lab-process.js';
import { labelledIso, qemuPidsMentioning, requireGuestTools } from './guest.js';

requireGuestTools();
const owner = `iso-${randomBytes(3).toString('hex')}`;
const tag = { role: 'build' as const, owner };
type Block = { qdev?: string; inserted?: { file: string } };

describe('QEMU driver without network or guest OS', { timeout: 240_000 }, () => {
  let dir: string;
  let stateDir: string;
  let isoDir: string;
  let driver: QemuDriver;
  const made: VmInfo[] = [];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vizor-qemu-iso-'));
    stateDir = join(dir, 'state');
    isoDir = join(dir, 'isos');
    mkdirSync(isoDir);
    labelledIso(isoDir, 'data.iso', 'DATA_DISC', { 'readme.txt': 'data' });
    driver = createQemuDriver({ stateDir, accel: 'tcg', isoDir });
  });

  after(async () => {
    for (const v of made) await driver.destroy(v.id).catch(() => undefined);
    for (const pid of qemuPidsMentioning(dir)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  async function container(firmware: 'bios' | 'uefi', name: string): Promise<VmInfo> {
    const vm = await driver.createContainer({ name, vcpus: 1, memoryMiB: 128, diskGiB: 1, network: 'isolated', firmware, tag });
    made.push(vm);
    return vm;
  }
  const qmpSock = (vm: VmInfo) => join(String(vm.details?.dir), 'qmp.sock');
  async function inserted(vm: VmInfo): Promise<Record<string, string | null>> {
    const blocks = (await qmpCommand(qmpSock(vm), 'query-block')) as Block[];
    // the removable drives; the disk's qdev is a QOM path
    return Object.fromEntries(blocks.filter((b) => ['cd0dev', 'cd1dev', 'fdd0'].includes(b.qdev ?? '')).map((b) => [b.qdev!, b.inserted?.file ?? null]));
  }

  test('test() and resources: the isolated network, the ISO folder, the state folder', async () => {
    const info = await driver.test();
    assert.equal(info.details?.network, 'isolated');
    assert.equal(info.details?.accel, 'tcg');
    assert.deepEqual((await driver.listResources('network')).map((r) => r.id), ['isolated']);
    assert.deepEqual((await driver.listResources('iso')).map((r) => r.id), ['data.iso']);
    assert.equal((await driver.listResources('storage'))[0]?.id, stateDir);
    assert.deepEqual(await driver.listResources('zone'), []);
  });

  test('findToolsIso finds the virtio-win ISO by its volume label, and nothing else', async () => {
    assert.equal(await driver.findToolsIso(), null);
    labelledIso(isoDir, 'drivers.iso', 'virtio-win-0.1.240', { 'NetKVM/w10/amd64/netkvm.inf': 'inf' });
    const tools = await driver.findToolsIso();
    assert.equal(tools?.id, 'drivers.iso');
    assert.equal(tools?.details?.version, '0.1.240');
    assert.equal(tools?.details?.is_tools_iso, true);
  });

  test('power over QMP, and media swapped in a running VM', async () => {
    const vm = await container('bios', 'iso-bios');
    assert.equal(vm.power, 'halted');
    await driver.shutdown(vm.id); // halted already: nothing to do
    await driver.stop(vm.id);
    await driver.start(vm.id);
    await driver.start(vm.id); // running already: nothing to do
    assert.equal((await driver.waitForPower(vm.id, 'running', { timeoutMs: 10_000 })).power, 'running');
    assert.deepEqual(await inserted(vm), { cd0dev: null, cd1dev: null, fdd0: null });

    const img = join(dir, 'seat.img');
    writeFileSync(img, buildFloppyImage([{ name: 'Autounattend.xml', content: Buffer.from('<x/>') }]));
    const fd = await driver.attachPayload(vm.id, { kind: 'floppy', path: img, name: 'seat' });
    await assert.rejects(driver.attachPayload(vm.id, { kind: 'floppy', path: img, name: 'again' }), HvStateError);
    await driver.attachIso(vm.id, 'data.iso');
    const media = await inserted(vm);
    assert.equal(media.fdd0, join(String(vm.details?.dir), 'payload-fd0.img'));
    assert.equal(media.cd0dev, join(isoDir, 'data.iso'));

    await driver.ejectIso(vm.id);
    await driver.detachPayload(vm.id, fd);
    await driver.detachPayload(vm.id, fd); // gone already: fine
    assert.deepEqual(await inserted(vm), { cd0dev: null, cd1dev: null, fdd0: null });
    assert.ok(!existsSync(join(String(vm.details?.dir), 'payload-fd0.img')), 'the payload copy is deleted');

    await assert.rejects(driver.waitForPower(vm.id, 'paused', { timeoutMs: 1200 }), HvTimeoutError);
    await driver.stop(vm.id);
    assert.equal((await driver.getVm(vm.id)).power, 'halted');
    assert.deepEqual(qemuPidsMentioning(String(vm.details?.dir)), []);
  });

  test('UEFI: OVMF runs from the per-VM variable store, and snapshots keep a copy of it', async () => {
    const vm = await container('uefi', 'iso-uefi');
    const snap = await driver.snapshot(vm.id, 'fresh', '');
    assert.ok(readdirSync(String(vm.details?.dir)).includes(`snapshot-${snap.id}.vars`));
    await driver.start(vm.id);
    // OVMF's boot manager announces itself on the serial console
    await waitForText('OVMF serial', () => readText(String(vm.details?.serialLog)), /BdsDxe/, 120_000);
    await driver.stop(vm.id);
    await driver.revert(vm.id, snap.id);
  });

  test('a driver restarted over the same state finds the running VM and can stop it', async () => {
    const vm = await container('bios', 'iso-restart');
    await driver.start(vm.id);
    const again = createQemuDriver({ stateDir, accel: 'tcg', isoDir });
    assert.equal((await again.getVm(vm.id)).power, 'running');
    assert.ok((await again.listVms({ owner })).some((v) => v.id === vm.id));
    await again.stop(vm.id);
    assert.equal((await driver.getVm(vm.id)).power, 'halted');
  });

  test('QEMU refusing to start surfaces its message and leaves no process', async () => {
    const vm = await container('bios', 'iso-broken');
    unlinkSync(String(vm.details?.disk));
    await assert.rejects(driver.start(vm.id), (err: unknown) => err instanceof HvJobFailedError && /did not start: .*disk\.qcow2/s.test(err.message));
    assert.equal((await driver.getVm(vm.id)).power, 'halted');
    assert.deepEqual(qemuPidsMentioning(String(vm.details?.dir)), []);
  });

  test('errors callers rely on', async () => {
    const vm = await container('bios', 'iso-errors');
    await assert.rejects(driver.getVm('vm0000000000'), HvNotFoundError);
    await assert.rejects(driver.createContainer({ name: 'x', vcpus: 1, memoryMiB: 64, diskGiB: 1, network: 'br9', firmware: 'bios', tag }), HvNotFoundError);
    await assert.rejects(driver.createContainer({ name: 'x', vcpus: 0, memoryMiB: 64, diskGiB: 1, network: 'isolated', firmware: 'bios', tag }), HvRequestError);
    await assert.rejects(driver.clone({ name: 'c', templateId: vm.id, tag }), HvNotFoundError, 'a VM is not a template');
    await assert.rejects(driver.attachIso(vm.id, 'missing.iso'), HvNotFoundError);
    await assert.rejects(driver.attachIso(vm.id, '../state/x.iso'), HvNotFoundError);
    await assert.rejects(driver.setBootOrder(vm.id, ['disk', 'disk']), HvRequestError);
    await assert.rejects(driver.revert(vm.id, 'snone'), HvNotFoundError);
    await assert.rejects(driver.grant(vm.id, { principal: { kind: 'user', id: 'u' }, role: 'UserRole' }), HvUnsupportedError);
    await assert.rejects(driver.publishTemplate(vm.id, true), HvNotFoundError);
    await assert.rejects(driver.deleteTemplate(vm.id), HvStateError, 'deleteTemplate does not delete VMs');
    await driver.deleteSnapshot(vm.id, 'snone'); // gone already: fine
    await driver.destroy(vm.id);
    await driver.destroy(vm.id);
    assert.ok(!existsSync(String(vm.details?.dir)));
  });
});
