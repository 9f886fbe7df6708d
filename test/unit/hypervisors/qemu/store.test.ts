// The QEMU driver's state store: vm.json round trips, atomic writes, listing that skips
// broken folders, ids that cannot escape stateDir, and per-VM serialisation of changes.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HvNotFoundError, HvStateError } from '../../../../src/hypervisors/errors.js';
import { VM_ID, tapName, type VmRecord } from '../../../../src/hypervisors/qemu/record.js';
import { VmStore } from '../../../../src/hypervisors/qemu/store.js';

const root = mkdtempSync(join(tmpdir(), 'vizor-qemu-store-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshStore = () => new VmStore(join(root, `s${++n}`));

function record(id: string, over: Partial<VmRecord> = {}): VmRecord {
  return {
    version: 1, id, name: `vm ${id}`, description: '', osType: null, tag: { role: 'build', owner: 'b1' },
    vcpus: 1, memoryMiB: 256, diskGiB: 1, firmware: 'bios', machine: 'q35', diskBus: 'virtio', nicModel: 'virtio',
    macs: ['52:54:00:00:00:01'], network: 'br0', bootOrder: ['network', 'disk'], iso: null, payloads: [], snapshots: [],
    isTemplate: false, published: false, templateId: null, usb: false, stateless: false, createdAt: '2024-01-01T00:00:00Z',
    ...over,
  };
}

describe('VmStore', () => {
  test('put then get returns the same record; the write leaves no temporary file', async () => {
    const store = freshStore();
    const id = await store.newId();
    assert.match(id, VM_ID);
    const rec = record(id, { tag: { role: 'room', owner: 'lab1/3' }, snapshots: [{ id: 's1', name: 'clean', description: 'd', createdAt: '2024-01-02T00:00:00Z', powerAtSnapshot: 'halted' }] });
    await store.put(rec);
    assert.deepEqual(await store.get(id), rec);
    assert.deepEqual(readdirSync(store.paths(id).dir), ['vm.json']);
  });

  test('list returns records sorted by id and skips folders without a readable vm.json', async () => {
    const store = freshStore();
    await store.put(record('vm00000000b2'));
    await store.put(record('vm00000000a1'));
    mkdirSync(join(store.stateDir, 'vm00000000c3'));
    mkdirSync(join(store.stateDir, 'vm00000000d4'));
    writeFileSync(join(store.stateDir, 'vm00000000d4', 'vm.json'), '{not json');
    mkdirSync(join(store.stateDir, 'not-a-vm'));
    assert.deepEqual((await store.list()).map((r) => r.id), ['vm00000000a1', 'vm00000000b2']);
  });

  test('a missing state folder lists as empty', async () => {
    assert.deepEqual(await new VmStore(join(root, 'never-created')).list(), []);
  });

  test('get: absent or malformed ids are HvNotFoundError, never a path outside stateDir', async () => {
    const store = freshStore();
    for (const id of ['vm0000000000', '../../etc', 'vm00000000zz', '', 'VM0000000000']) {
      await assert.rejects(store.get(id), (err: unknown) => err instanceof HvNotFoundError && err.platform === 'qemu', id);
    }
  });

  test('a broken vm.json, or one of another VM, is HvStateError', async () => {
    const store = freshStore();
    mkdirSync(join(store.stateDir, 'vm0000000001'), { recursive: true });
    writeFileSync(join(store.stateDir, 'vm0000000001', 'vm.json'), '[1,2');
    await assert.rejects(store.get('vm0000000001'), HvStateError);
    await store.put(record('vm0000000002'));
    mkdirSync(join(store.stateDir, 'vm0000000003'));
    writeFileSync(join(store.stateDir, 'vm0000000003', 'vm.json'), JSON.stringify(record('vm0000000002')));
    await assert.rejects(store.get('vm0000000003'), /not a vizor VM record/);
  });

  test('remove deletes the folder and is idempotent', async () => {
    const store = freshStore();
    await store.put(record('vm0000000004'));
    await store.remove('vm0000000004');
    assert.ok(!existsSync(store.paths('vm0000000004').dir));
    await store.remove('vm0000000004');
    await store.remove('../..'); // malformed ids are ignored, not resolved
    assert.ok(existsSync(root));
  });

  test('lock runs changes to one VM one after another, even after a failure', async () => {
    const store = freshStore();
    const events: string[] = [];
    const slow = store.lock('vm0000000005', async () => {
      events.push('a-start');
      await new Promise((r) => setTimeout(r, 50));
      events.push('a-end');
      throw new Error('a failed');
    });
    const next = store.lock('vm0000000005', async () => {
      events.push('b');
      return 42;
    });
    const other = store.lock('vm0000000006', async () => {
      events.push('other');
    });
    await assert.rejects(slow, /a failed/);
    assert.equal(await next, 42);
    await other;
    assert.deepEqual(events.filter((e) => e !== 'other'), ['a-start', 'a-end', 'b']);
    assert.ok(events.indexOf('other') < events.indexOf('a-end'), 'another VM does not wait');
  });

  test('tap names fit the 15-character limit of Linux interface names', () => {
    assert.equal(tapName('vm0123456789'), 'vzt0123456789');
    assert.ok(tapName('vm0123456789').length <= 15);
  });
});
