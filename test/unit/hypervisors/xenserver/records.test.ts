import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HvRequestError } from '../../../../src/hypervisors/index.js';
import {
  bootOrderString, normaliseMac, parseBootOrder, parseXapiDate, powerOf, randomMac, snapshotInfoOf, tagOf, vmInfoOf, type VmRecord,
} from '../../../../src/hypervisors/xenserver/records.js';

const vm = (over: Partial<VmRecord> = {}): VmRecord => ({
  uuid: 'u-1', name_label: 'vm', name_description: '', power_state: 'Running', is_a_template: false, is_default_template: false,
  is_a_snapshot: false, is_control_domain: false, snapshot_of: 'OpaqueRef:NULL', snapshots: [], snapshot_time: '19700101T00:00:00Z',
  snapshot_info: {}, other_config: {}, HVM_boot_params: { order: 'ncd' }, VBDs: [], VIFs: [], VCPUs_max: 2, VCPUs_at_startup: 2,
  memory_static_min: 1, memory_static_max: 2 ** 30, ...over,
});

describe('xenserver records', () => {
  test('power states map from XAPI capitalisation', () => {
    const cases: Array<[string | undefined, string]> = [['Halted', 'halted'], ['Running', 'running'], ['Paused', 'paused'], ['Suspended', 'suspended'], ['Crashed', 'unknown'], [undefined, 'unknown']];
    for (const [xapi, ours] of cases) assert.equal(powerOf(xapi), ours, String(xapi));
  });

  test('boot order ↔ HVM order letters (n network, c disk, d CD)', () => {
    assert.equal(bootOrderString(['network', 'cdrom', 'disk']), 'ndc');
    assert.equal(bootOrderString(['disk']), 'c');
    assert.deepEqual(parseBootOrder('ncd'), ['network', 'disk', 'cdrom']);
    assert.deepEqual(parseBootOrder('xq'), []);
    assert.throws(() => bootOrderString([]), HvRequestError);
    assert.throws(() => bootOrderString(['disk', 'disk']), HvRequestError);
  });

  test('vizor tag only from both keys with a known role', () => {
    assert.deepEqual(tagOf({ 'vizor.role': 'room', 'vizor.owner': 'lab/7' }), { role: 'room', owner: 'lab/7' });
    assert.equal(tagOf({ 'vizor.role': 'room' }), null);
    assert.equal(tagOf({ 'vizor.role': 'pet', 'vizor.owner': 'x' }), null);
    assert.equal(tagOf({}), null);
  });

  test('MACs: normalised, rejected when malformed, generated locally administered unicast', () => {
    assert.equal(normaliseMac('52-54-00-AB-CD-EF'), '52:54:00:ab:cd:ef');
    assert.throws(() => normaliseMac('52:54:00:ab:cd'), HvRequestError);
    for (let i = 0; i < 50; i++) {
      const mac = randomMac();
      assert.match(mac, /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
      const first = parseInt(mac.slice(0, 2), 16);
      assert.equal(first & 0x02, 0x02, 'locally administered');
      assert.equal(first & 0x01, 0, 'unicast');
    }
  });

  test('XAPI DateTime: basic and extended forms; the epoch means never', () => {
    assert.equal(parseXapiDate('20240115T10:20:30Z')?.toISOString(), '2024-01-15T10:20:30.000Z');
    assert.equal(parseXapiDate('2024-01-15T10:20:30Z')?.toISOString(), '2024-01-15T10:20:30.000Z');
    assert.equal(parseXapiDate('19700101T00:00:00Z'), null);
    assert.equal(parseXapiDate('garbage'), null);
  });

  test('VmInfo: uuid id, MACs in device order, lower case, tag and template flag', () => {
    const info = vmInfoOf('OpaqueRef:a', vm({ other_config: { 'vizor.role': 'build', 'vizor.owner': 'b' } }), [
      { device: '1', MAC: 'AA:00:00:00:00:02', network: 'n' },
      { device: '0', MAC: 'aa:00:00:00:00:01', network: 'n' },
    ]);
    assert.equal(info.id, 'u-1');
    assert.deepEqual(info.macs, ['aa:00:00:00:00:01', 'aa:00:00:00:00:02']);
    assert.deepEqual(info.tag, { role: 'build', owner: 'b' });
    assert.equal(info.power, 'running');
    assert.equal(info.details?.['bootOrder'], 'ncd');
    assert.equal(info.details?.['memoryMiB'], 1024);
  });

  test('SnapshotInfo reads power-state-at-snapshot and snapshot_time', () => {
    const s = snapshotInfoOf(vm({ is_a_snapshot: true, snapshot_time: '20250301T08:00:00Z', snapshot_info: { 'power-state-at-snapshot': 'Running' } }));
    assert.equal(s.powerAtSnapshot, 'running');
    assert.equal(s.createdAt?.toISOString(), '2025-03-01T08:00:00.000Z');
    assert.equal(snapshotInfoOf(vm()).powerAtSnapshot, null);
  });
});
