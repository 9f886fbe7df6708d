import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { containerSpec, sequence, startRig } from './helpers.js';

// The exact XAPI calls each driver operation makes, in order, against the fake with the
// real xen-api client. Lookups and event/task bookkeeping of the client are filtered out
// by `sequence` only where they are the client's (event.*, task.*, session.*).

const TAG = ['VM.remove_from_other_config(vizor.role)', 'VM.add_to_other_config(vizor.role=build)', 'VM.remove_from_other_config(vizor.owner)', 'VM.add_to_other_config(vizor.owner=b-1)'];

describe('xenserver driver call sequences', () => {
  test('createContainer: clone, tag, provision, CPU/RAM, firmware, ncd, disk, CD drive, VIF', async () => {
    const rig = await startRig();
    try {
      await rig.driver.test();
      rig.fake.clearCalls();
      const vm = await rig.driver.createContainer(containerSpec({ mac: '52:54:00:12:34:56', firmware: 'uefi' }));
      assert.deepEqual(sequence(rig.fake), [
        'VM.get_by_name_label',
        'VM.get_record',
        'network.get_all_records',
        'SR.get_all_records',
        'Async.VM.clone',
        ...TAG,
        'VM.remove_from_other_config(disks)',
        'Async.VM.provision',
        'VM.get_record',
        'VM.set_VCPUs_max',
        'VM.set_VCPUs_at_startup',
        'VM.set_memory_limits',
        'VM.remove_from_HVM_boot_params(firmware)',
        'VM.add_to_HVM_boot_params(firmware=uefi)',
        'VM.remove_from_platform(device-model)',
        'VM.add_to_platform(device-model=qemu-upstream-uefi)',
        'VM.remove_from_HVM_boot_params(order)',
        'VM.add_to_HVM_boot_params(order=ncd)',
        'VM.get_allowed_VBD_devices',
        `VDI.create(${20 * 2 ** 30})`,
        'VBD.create(Disk 0)',
        'VBD.create(CD 3 empty)',
        'VM.get_allowed_VIF_devices',
        'VIF.create(0 52:54:00:12:34:56)',
        'VM.get_record',
        'VIF.get_record',
      ]);
      const clone = rig.fake.calls.find((c) => c.method === 'Async.VM.clone')!;
      assert.deepEqual(clone.params, [rig.fake.inventory.template, 'build-1'], 'cloned from "Other install media"');
      const rec = rig.fake.record(vm.id)!;
      assert.equal(rec['is_a_template'], false);
      assert.deepEqual(rec['HVM_boot_params'], { order: 'ncd', firmware: 'uefi' });
      assert.equal(rec['VCPUs_max'], 2);
      assert.equal(rec['memory_static_max'], 2048 * 2 ** 20);
      assert.deepEqual(vm.macs, ['52:54:00:12:34:56']);
      assert.equal(vm.power, 'halted');
    } finally {
      await rig.close();
    }
  });

  test('convertToTemplate: eject CDs, rename, retag, unpublished, set_is_a_template', async () => {
    const rig = await startRig();
    try {
      const vm = await rig.driver.createContainer(containerSpec());
      await rig.driver.attachIso(vm.id, 'installer.iso');
      rig.fake.clearCalls();
      const tpl = await rig.driver.convertToTemplate(vm.id, 'Win11 gold');
      assert.deepEqual(sequence(rig.fake), [
        'VM.get_by_uuid',
        'VM.get_record',
        'VBD.get_record',
        'VBD.get_record',
        'Async.VBD.eject',
        'VM.set_name_label',
        'VM.remove_from_other_config(vizor.role)',
        'VM.add_to_other_config(vizor.role=template)',
        'VM.remove_from_other_config(vizor.owner)',
        'VM.add_to_other_config(vizor.owner=b-1)',
        'VM.remove_from_other_config(vizor.published)',
        'VM.add_to_other_config(vizor.published=false)',
        'VM.set_is_a_template',
      ]);
      assert.deepEqual(tpl, { id: vm.id, name: 'Win11 gold', published: false });
      const rec = rig.fake.record(vm.id)!;
      assert.equal(rec['is_a_template'], true);
      const cds = rig.fake.all('VBD').filter((v) => v.record['VM'] === rig.fake.refOf(vm.id) && v.record['type'] === 'CD');
      assert.equal(cds.length, 1);
      assert.equal(cds[0]!.record['empty'], true, 'the CD was ejected before templating');
    } finally {
      await rig.close();
    }
  });

  test('clone: VM.clone of the template, tag, provision, new VIF with the given MAC', async () => {
    const rig = await startRig();
    try {
      const vm = await rig.driver.createContainer(containerSpec());
      const tpl = await rig.driver.convertToTemplate(vm.id, 'gold');
      rig.fake.clearCalls();
      const seat = await rig.driver.clone({ name: 'seat-01', templateId: tpl.id, tag: { role: 'room', owner: 'lab/1' }, mac: '52:54:00:00:00:01', vcpus: 4 });
      assert.deepEqual(sequence(rig.fake), [
        'VM.get_by_uuid',
        'VM.get_record',
        'Async.VM.clone',
        'VM.remove_from_other_config(vizor.role)',
        'VM.add_to_other_config(vizor.role=room)',
        'VM.remove_from_other_config(vizor.owner)',
        'VM.add_to_other_config(vizor.owner=lab/1)',
        'VM.remove_from_other_config(vizor.published)',
        'Async.VM.provision',
        'VM.get_record',
        'VM.set_VCPUs_max',
        'VM.set_VCPUs_at_startup',
        'VIF.get_record',
        'network.get_record',
        'VIF.destroy',
        'VM.get_allowed_VIF_devices',
        'VIF.create(0 52:54:00:00:00:01)',
        'VM.get_record',
        'VIF.get_record',
      ]);
      assert.equal(seat.isTemplate, false);
      assert.deepEqual(seat.tag, { role: 'room', owner: 'lab/1' });
      assert.deepEqual(seat.macs, ['52:54:00:00:00:01']);
      const other = rig.fake.record(seat.id)!['other_config'] as Record<string, string>;
      assert.equal(other['vizor.published'], undefined, "a clone does not inherit the template's published flag");
    } finally {
      await rig.close();
    }
  });

  test('snapshot and revert of a running VM: snapshot, describe; revert, then start again', async () => {
    const rig = await startRig();
    try {
      const vm = await rig.driver.createContainer(containerSpec());
      await rig.driver.start(vm.id);
      rig.fake.clearCalls();
      const snap = await rig.driver.snapshot(vm.id, 'before-install', 'clean state');
      assert.deepEqual(sequence(rig.fake), ['VM.get_by_uuid', 'Async.VM.snapshot', 'VM.set_name_description', 'VM.get_record']);
      assert.equal(snap.powerAtSnapshot, 'running');
      assert.equal(snap.description, 'clean state');
      assert.ok(snap.createdAt instanceof Date);
      rig.fake.clearCalls();
      await rig.driver.revert(vm.id, snap.id);
      assert.deepEqual(sequence(rig.fake), ['VM.get_by_uuid', 'VM.get_by_uuid', 'VM.get_record', 'Async.VM.revert', 'VM.get_power_state', 'Async.VM.start']);
      assert.equal((await rig.driver.getVm(vm.id)).power, 'running');
    } finally {
      await rig.close();
    }
  });

  test('destroy: hard shutdown, snapshots with their disks, VM, then its unshared disks', async () => {
    const rig = await startRig();
    try {
      const vm = await rig.driver.createContainer(containerSpec());
      await rig.driver.start(vm.id);
      await rig.driver.snapshot(vm.id, 's1', '');
      rig.fake.clearCalls();
      await rig.driver.destroy(vm.id);
      assert.deepEqual(sequence(rig.fake), [
        'VM.get_by_uuid',
        'VM.get_record',
        'Async.VM.hard_shutdown',
        'VM.get_record',
        'VBD.get_record',
        'VBD.get_record',
        'Async.VM.destroy',
        'VDI.get_VBDs',
        'Async.VDI.destroy',
        'VBD.get_record',
        'VBD.get_record',
        'Async.VM.destroy',
        'VDI.get_VBDs',
        'Async.VDI.destroy',
      ]);
      assert.equal(rig.fake.all('VM').filter((v) => String(v.record['name_label']).startsWith('build-1') || v.record['name_label'] === 's1').length, 0);
      const names = rig.fake.all('VDI').map((v) => v.record['name_label']);
      assert.deepEqual(names.sort(), ['guest-tools.iso', 'installer.iso', 'unrelated-vm disk'], 'only the ISOs and the foreign disk remain');
    } finally {
      await rig.close();
    }
  });
});
