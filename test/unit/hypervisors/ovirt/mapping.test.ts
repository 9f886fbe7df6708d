import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { biosType, bootDevices, deviceModels, normaliseMac, osTypeFor, powerFromStatus } from '../../../../src/hypervisors/ovirt/mapping.js';
import { decodeSnapshotDescription, encodeSnapshotDescription } from '../../../../src/hypervisors/ovirt/snapshots.js';
import { parseTag, tagDescription, tagName } from '../../../../src/hypervisors/ovirt/tags.js';

describe('oVirt mappings', () => {
  test('VmStatus → power state', () => {
    const cases: [string | undefined, string][] = [
      ['up', 'running'], ['down', 'halted'], ['paused', 'paused'], ['suspended', 'suspended'],
      ['powering_up', 'transitioning'], ['powering_down', 'transitioning'], ['image_locked', 'transitioning'],
      ['wait_for_launch', 'transitioning'], ['migrating', 'transitioning'], ['not_responding', 'unknown'],
      ['unassigned', 'unknown'], [undefined, 'unknown'],
    ];
    for (const [status, power] of cases) assert.equal(powerFromStatus(status), power, String(status));
  });

  test('OS hints → osinfo ids; oVirt ids pass through', () => {
    const cases: [string | undefined, string][] = [
      ['windows10_64', 'windows_10x64'], ['win11', 'windows_11'], ['windows2019', 'windows_2019x64'],
      ['Windows-Server-2022', 'windows_2022'], ['windows2012r2', 'windows_2012R2x64'], ['windows8', 'windows_10x64'],
      ['debian12', 'other_linux'], ['ubuntu2404', 'other_linux'], ['rocky9', 'rhel_9x64'], ['rhel8', 'rhel_8x64'],
      ['windows_2016x64', 'windows_2016x64'], ['freebsd14', 'other'], [undefined, 'other'],
    ];
    for (const [hint, id] of cases) assert.equal(osTypeFor(hint), id, String(hint));
  });

  test('firmware, boot devices and device models', () => {
    assert.equal(biosType('uefi'), 'q35_ovmf');
    assert.equal(biosType('bios'), 'q35_sea_bios');
    assert.deepEqual(bootDevices(['network', 'disk', 'cdrom']), ['network', 'hd', 'cdrom']);
    assert.deepEqual(deviceModels('windows_10x64'), { nic: 'e1000', disk: 'sata' });
    assert.deepEqual(deviceModels('other_linux'), { nic: 'virtio', disk: 'virtio_scsi' });
  });

  test('MACs are normalised or refused', () => {
    assert.equal(normaliseMac('56:6F:1A:2B:00:0A'), '56:6f:1a:2b:00:0a');
    assert.equal(normaliseMac('56-6f-1a-2b-00-0a'), '56:6f:1a:2b:00:0a');
    assert.equal(normaliseMac('566f1a2b000a'), '56:6f:1a:2b:00:0a');
    assert.equal(normaliseMac('56:6f:1a:2b:00'), null);
    assert.equal(normaliseMac('zz:6f:1a:2b:00:0a'), null);
  });
});

describe('vizor tags as oVirt tags', () => {
  test('names are stable, search-safe and distinct per role and owner', () => {
    const a = tagName({ role: 'room', owner: 'Lab 3/run-7' });
    assert.equal(a, tagName({ role: 'room', owner: 'Lab 3/run-7' }));
    assert.match(a, /^vizor-room-lab-3-run-7-[0-9a-f]{10}$/);
    assert.notEqual(a, tagName({ role: 'build', owner: 'Lab 3/run-7' }));
    assert.notEqual(a, tagName({ role: 'room', owner: 'lab-3/run-7' }));
    assert.match(tagName({ role: 'build', owner: '///' }), /^vizor-build-[0-9a-f]{10}$/);
  });

  test('the description carries role and owner verbatim and parses back', () => {
    const tag = { role: 'room', owner: 'Lab 3/run-7: nightly' } as const;
    assert.equal(tagDescription(tag), 'vizor:room:Lab 3/run-7: nightly');
    assert.deepEqual(parseTag(tagName(tag), tagDescription(tag)), tag);
  });

  test('foreign and look-alike tags are not vizor tags', () => {
    const tag = { role: 'build', owner: 'b1' } as const;
    assert.equal(parseTag('production', 'vizor:build:b1'), null);
    assert.equal(parseTag(tagName(tag), 'hand-made'), null);
    assert.equal(parseTag(tagName(tag), 'vizor:build:b2'), null, 'name must match role and owner');
    assert.equal(parseTag('vizor-admin-x', 'vizor:admin:x'), null);
  });
});

describe('snapshot descriptions', () => {
  test('name on the first line, description below', () => {
    assert.equal(encodeSnapshotDescription('nightly', ''), 'nightly');
    assert.equal(encodeSnapshotDescription('nightly', 'reset point\nline 2'), 'nightly\nreset point\nline 2');
    assert.deepEqual(decodeSnapshotDescription('nightly\nreset point\nline 2'), { name: 'nightly', description: 'reset point\nline 2' });
    assert.deepEqual(decodeSnapshotDescription('made in the UI'), { name: 'made in the UI', description: '' });
  });
});
