import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HvConfigError, HvJobFailedError, HvNotFoundError, HvRequestError, HvUnsupportedError } from '../../../../src/hypervisors/index.js';
import { createXenServerDriver } from '../../../../src/hypervisors/xenserver/index.js';
import type { XapiFake } from '../../../fakes/xapi/index.js';
import { containerSpec, count, sequence, startRig, type Rig } from './helpers.js';

/** A rig whose driver uploads payloads to the fake's "ISO library" through its folder. */
const libraryRig = (): Promise<Rig> => startRig((fake) => ({ payloadSr: 'ISO library', payloadDir: fake.srDir('ISO library') }));

/** A payload image vizor built: `size` bytes in a fresh temp folder. */
function payloadImage(size = 40 * 1024): { path: string; bytes: Buffer; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'vizor-payload-src-'));
  const bytes = Buffer.alloc(size);
  bytes.write('CD001 unattend.xml identity.json', 0x8001);
  const path = join(dir, 'build-output.iso');
  writeFileSync(path, bytes, { mode: 0o644 });
  return { path, bytes, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The VM's CD drives (records), in userdevice order. */
const cds = (fake: XapiFake, vmId: string): Array<Record<string, unknown>> =>
  fake
    .all('VBD')
    .filter((v) => v.record['VM'] === fake.refOf(vmId) && v.record['type'] === 'CD')
    .map((v) => v.record)
    .sort((a, b) => Number(a['userdevice']) - Number(b['userdevice']));

describe('xenserver payload ISOs through an ISO library SR', () => {
  test('attach copies the image into payloadDir (0600), scans the SR and inserts the VDI named after the file', async () => {
    const img = payloadImage();
    const rig = await libraryRig();
    try {
      const vm = await rig.driver.createContainer(containerSpec());
      rig.fake.clearCalls();
      const attached = await rig.driver.attachPayload(vm.id, { kind: 'iso', path: img.path, name: 'seat-01-3fa9c2.iso' });

      const file = join(rig.fake.srDir('ISO library'), 'seat-01-3fa9c2.iso');
      assert.deepEqual(readFileSync(file), img.bytes);
      assert.equal(statSync(file).mode & 0o777, 0o600, 'the payload may hold a domain password');
      assert.ok(!readdirSync(rig.fake.srDir('ISO library')).some((n) => n.endsWith('.part')), 'no temporary file left');

      const vdiRef = rig.fake.refOf(attached.id);
      const vdi = rig.fake.record(vdiRef)!;
      assert.equal(attached.kind, 'iso');
      assert.deepEqual([vdi['name_label'], vdi['SR'], vdi['virtual_size'], vdi['read_only']], ['seat-01-3fa9c2.iso', rig.fake.inventory.isoSr, img.bytes.length, true]);
      assert.deepEqual(cds(rig.fake, vm.id).map((c) => [c['VDI'], c['empty']]), [[vdiRef, false]], 'the container\'s empty CD drive now holds it');
      assert.deepEqual(sequence(rig.fake), [
        'VM.get_by_uuid',
        'SR.get_all_records',
        'Async.SR.scan',
        'VDI.get_by_name_label',
        'VDI.get_record',
        'VM.get_record',
        'VBD.get_record',
        'VBD.get_record',
        'Async.VBD.insert',
      ]);
      assert.equal(rig.fake.calls.find((c) => c.method === 'Async.SR.scan')!.params[0], rig.fake.inventory.isoSr);
    } finally {
      img.cleanup();
      await rig.close();
    }
  });

  test('detach ejects, deletes the file and scans the VDI away; a second detach is a no-op', async () => {
    const img = payloadImage();
    const rig = await libraryRig();
    try {
      const vm = await rig.driver.createContainer(containerSpec());
      const attached = await rig.driver.attachPayload(vm.id, { kind: 'iso', path: img.path, name: 'seat-01.iso' });
      const vdiRef = rig.fake.refOf(attached.id);
      rig.fake.clearCalls();
      await rig.driver.detachPayload(vm.id, attached);
      const seq = sequence(rig.fake);
      assert.ok(seq.indexOf('Async.VBD.eject') < seq.indexOf('Async.SR.scan'), seq.join(' → '));
      assert.equal(existsSync(join(rig.fake.srDir('ISO library'), 'seat-01.iso')), false, 'file deleted');
      assert.equal(rig.fake.record(vdiRef), undefined, 'the scan forgot the VDI');
      assert.deepEqual(cds(rig.fake, vm.id).map((c) => c['empty']), [true]);
      assert.ok(rig.fake.record(rig.fake.inventory.installerIso), 'other ISOs on the SR stay');

      rig.fake.clearCalls();
      await rig.driver.detachPayload(vm.id, attached);
      assert.equal(count(rig.fake, 'Async.SR.scan'), 0, 'nothing left to do');
    } finally {
      img.cleanup();
      await rig.close();
    }
  });

  test('a CD drive holding another ISO keeps it: a halted VM gets a second drive, a VM without one gets one', async () => {
    const img = payloadImage();
    const rig = await libraryRig();
    try {
      const vm = await rig.driver.createContainer(containerSpec());
      await rig.driver.attachIso(vm.id, 'installer.iso');
      const a = await rig.driver.attachPayload(vm.id, { kind: 'iso', path: img.path, name: 'seat-01.iso' });
      // The new drive takes the first free device XAPI offers (the disk is 0, the first CD 3).
      assert.deepEqual(cds(rig.fake, vm.id).map((c) => [c['userdevice'], c['VDI']]), [
        ['1', rig.fake.refOf(a.id)],
        ['3', rig.fake.inventory.installerIso],
      ]);
      await rig.driver.detachPayload(vm.id, a);
      assert.deepEqual(cds(rig.fake, vm.id).map((c) => c['VDI']), ['OpaqueRef:NULL', rig.fake.inventory.installerIso], 'only the payload left');

      const foreign = String(rig.fake.record(rig.fake.inventory.foreignVm)!['uuid']);
      const b = await rig.driver.attachPayload(foreign, { kind: 'iso', path: img.path, name: 'seat-02.iso' });
      assert.deepEqual(cds(rig.fake, foreign).map((c) => c['VDI']), [rig.fake.refOf(b.id)]);
    } finally {
      img.cleanup();
      await rig.close();
    }
  });

  test('without payloadSr/payloadDir the ISO must already be on an ISO SR, and the error says which options upload it', async () => {
    const rig = await startRig();
    try {
      const vm = await rig.driver.createContainer(containerSpec());
      await assert.rejects(
        rig.driver.attachPayload(vm.id, { kind: 'iso', path: '/nonexistent/seat-01.iso', name: 'seat-01.iso' }),
        (e: unknown) => e instanceof HvNotFoundError && /seat-01\.iso/.test(e.message) && /payloadSr/.test(e.message) && /payloadDir/.test(e.message),
      );
      assert.equal(count(rig.fake, 'Async.SR.scan'), 0);
    } finally {
      await rig.close();
    }
    const base = { url: 'http://127.0.0.1:1', user: 'root', password: 'x' };
    const both = (e: unknown): boolean => e instanceof HvConfigError && /payloadSr/.test(e.message) && /payloadDir/.test(e.message);
    assert.throws(() => createXenServerDriver({ ...base, payloadSr: 'ISO library' }), both);
    assert.throws(() => createXenServerDriver({ ...base, payloadDir: '/srv/iso' }), both);
    assert.throws(() => createXenServerDriver({ ...base, payloadSr: 'ISO library', payloadDir: 'relative/iso' }), /payloadDir must be an absolute path/);
  });

  test('a payloadSr that is not an ISO library SR is a configuration error, before anything is written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vizor-payload-dir-'));
    const img = payloadImage();
    try {
      for (const [sr, why] of [['Local storage', /not an ISO SR/], ['XCP-ng Tools', /guest-tools SR/], ['no-such-sr', /names no SR/]] as const) {
        const rig = await startRig({ payloadSr: sr, payloadDir: dir });
        try {
          const vm = await rig.driver.createContainer(containerSpec());
          await assert.rejects(rig.driver.attachPayload(vm.id, { kind: 'iso', path: img.path, name: 'seat-01.iso' }), (e: unknown) => e instanceof HvConfigError && why.test(e.message) && /payloadSr/.test(e.message));
          assert.deepEqual(readdirSync(dir), []);
          assert.equal(count(rig.fake, 'Async.SR.scan'), 0);
        } finally {
          await rig.close();
        }
      }
    } finally {
      img.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a payloadDir that is not the SR\'s folder, or a failed scan: clear error, no payload left behind', async () => {
    const wrongDir = mkdtempSync(join(tmpdir(), 'vizor-payload-dir-'));
    const img = payloadImage();
    try {
      const wrong = await startRig({ payloadSr: 'ISO library', payloadDir: wrongDir });
      try {
        const vm = await wrong.driver.createContainer(containerSpec());
        await assert.rejects(wrong.driver.attachPayload(vm.id, { kind: 'iso', path: img.path, name: 'seat-01.iso' }), (e: unknown) => e instanceof HvNotFoundError && /did not list seat-01\.iso/.test(e.message) && e.message.includes(wrongDir));
        assert.deepEqual(readdirSync(wrongDir), [], 'the copy is removed again');
      } finally {
        await wrong.close();
      }
      const missing = await startRig({ payloadSr: 'ISO library', payloadDir: join(wrongDir, 'not-mounted') });
      try {
        const vm = await missing.driver.createContainer(containerSpec());
        await assert.rejects(missing.driver.attachPayload(vm.id, { kind: 'iso', path: img.path, name: 'seat-01.iso' }), (e: unknown) => e instanceof HvConfigError && /payloadDir .*not-mounted: ENOENT/.test(e.message));
      } finally {
        await missing.close();
      }
      const rig = await libraryRig();
      try {
        const vm = await rig.driver.createContainer(containerSpec());
        rig.fake.failNext('SR.scan', 'SR_BACKEND_FAILURE_47', ['', 'The SR is not available [opterr=directory not mounted]', '']);
        await assert.rejects(
          rig.driver.attachPayload(vm.id, { kind: 'iso', path: img.path, name: 'seat-01.iso' }),
          (e: unknown) => e instanceof HvJobFailedError && e.platformCode === 'SR_BACKEND_FAILURE_47' && /scanning payloadSr "ISO library" failed/.test(e.message),
        );
        assert.equal(existsSync(join(rig.fake.srDir('ISO library'), 'seat-01.iso')), false);
        assert.deepEqual(cds(rig.fake, vm.id).map((c) => c['empty']), [true]);
      } finally {
        await rig.close();
      }
    } finally {
      img.cleanup();
      rmSync(wrongDir, { recursive: true, force: true });
    }
  });

  test('floppies stay unsupported and names an ISO SR would not list are refused, with nothing written', async () => {
    const img = payloadImage();
    const rig = await libraryRig();
    try {
      const vm = await rig.driver.createContainer(containerSpec());
      const before = readdirSync(rig.fake.srDir('ISO library')).sort();
      await assert.rejects(rig.driver.attachPayload(vm.id, { kind: 'floppy', path: img.path, name: 'seat-01.img' }), HvUnsupportedError);
      await assert.rejects(rig.driver.attachPayload(vm.id, { kind: 'iso', path: img.path, name: 'vizor-payload-seat-01' }), (e: unknown) => e instanceof HvRequestError && /\.iso or \.img/.test(e.message));
      await assert.rejects(rig.driver.attachPayload(vm.id, { kind: 'iso', path: img.path, name: '../escape.iso' }), HvRequestError);
      assert.deepEqual(readdirSync(rig.fake.srDir('ISO library')).sort(), before);
    } finally {
      img.cleanup();
      await rig.close();
    }
  });
});
