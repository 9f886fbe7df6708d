import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HvNotFoundError, HvRequestError } from '../../../../src/hypervisors/index.js';
import { containerSpec, count, startRig } from './helpers.js';

const uuidOf = (rec: Record<string, unknown> | undefined): string => String(rec?.['uuid']);

describe('xenserver driver against the XAPI fake', () => {
  test('test() reports the product version; resources come from XAPI records', async () => {
    const rig = await startRig();
    try {
      const info = await rig.driver.test();
      assert.equal(info.kind, 'xenserver');
      assert.equal(info.version, '8.2.1');
      assert.equal(info.details?.['brand'], 'XCP-ng');
      assert.equal(info.endpoint, rig.fake.url);
      const nets = await rig.driver.listResources('network');
      assert.deepEqual(nets.map((n) => n.name).sort(), ['Host internal management network', 'vizor-net']);
      const storage = await rig.driver.listResources('storage');
      assert.deepEqual(storage.map((s) => s.name), ['Local storage'], 'ISO SRs are not disk storage');
      const templates = (await rig.driver.listResources('template')).map((t) => t.name);
      assert.ok(templates.includes('Other install media'));
      assert.deepEqual((await rig.driver.listResources('iso')).map((i) => i.name).sort(), ['guest-tools.iso', 'installer.iso']);
      assert.deepEqual(await rig.driver.listResources('offering'), []);
    } finally {
      await rig.close();
    }
  });

  test('findToolsIso uses VDI.is_tools_iso, not the name', async () => {
    const rig = await startRig();
    try {
      rig.fake.addIso('guest-tools.iso'); // a look-alike on the ISO library, not flagged
      const tools = await rig.driver.findToolsIso();
      assert.equal(tools?.id, uuidOf(rig.fake.record(rig.fake.inventory.toolsIso)));
      assert.equal(tools?.details?.['is_tools_iso'], true);
    } finally {
      await rig.close();
    }
  });

  test('listVms returns only VMs with vizor tags in other_config, filtered by owner and role', async () => {
    const rig = await startRig();
    try {
      const a = await rig.driver.createContainer(containerSpec({ name: 'a', tag: { role: 'build', owner: 'b-1' } }));
      await rig.driver.createContainer(containerSpec({ name: 'b', tag: { role: 'build', owner: 'b-2' } }));
      await rig.driver.snapshot(a.id, 'snap-of-a', '');
      const all = await rig.driver.listVms();
      assert.deepEqual(all.map((v) => v.name), ['a', 'b'], 'no foreign VM, no dom0, no template, no snapshot');
      assert.deepEqual((await rig.driver.listVms({ owner: 'b-2' })).map((v) => v.name), ['b']);
      assert.deepEqual(await rig.driver.listVms({ role: 'room' }), []);
      assert.equal((rig.fake.record(a.id)!['other_config'] as Record<string, string>)['vizor.owner'], 'b-1');
    } finally {
      await rig.close();
    }
  });

  test('a build: ISO in, start, the guest halts itself, waitForPower sees it, boot order back to disk', async () => {
    const rig = await startRig();
    try {
      const vm = await rig.driver.createContainer(containerSpec());
      await rig.driver.attachIso(vm.id, 'installer.iso');
      const cd = rig.fake.all('VBD').find((v) => v.record['VM'] === rig.fake.refOf(vm.id) && v.record['type'] === 'CD')!;
      assert.equal(cd.record['VDI'], rig.fake.inventory.installerIso);
      rig.fake.guest(vm.id).haltAfter(150);
      await rig.driver.start(vm.id);
      const halted = await rig.driver.waitForPower(vm.id, 'halted', { timeoutMs: 10_000 });
      assert.equal(halted.power, 'halted');
      await rig.driver.ejectIso(vm.id);
      assert.equal(rig.fake.record(cd.ref)!['empty'], true);
      await rig.driver.setBootOrder(vm.id, ['disk', 'cdrom']);
      assert.equal((rig.fake.record(vm.id)!['HVM_boot_params'] as Record<string, string>)['order'], 'cd');
      await assert.rejects(rig.driver.setBootOrder(vm.id, ['disk', 'disk']), HvRequestError);
    } finally {
      await rig.close();
    }
  });

  test('power operations are idempotent: start twice, stop twice', async () => {
    const rig = await startRig();
    try {
      const vm = await rig.driver.createContainer(containerSpec());
      await rig.driver.start(vm.id);
      await rig.driver.start(vm.id);
      assert.equal((await rig.driver.getVm(vm.id)).power, 'running');
      await rig.driver.stop(vm.id);
      await rig.driver.stop(vm.id);
      await rig.driver.shutdown(vm.id);
      assert.equal((await rig.driver.getVm(vm.id)).power, 'halted');
      assert.ok(rig.fake.calls.some((c) => c.method === 'Async.VM.hard_shutdown'), 'the second stop reached XAPI and was refused there');
    } finally {
      await rig.close();
    }
  });

  test('ISO payloads are ISOs already on an ISO SR; detach ejects only that ISO', async () => {
    const rig = await startRig();
    try {
      const vm = await rig.driver.createContainer(containerSpec());
      await assert.rejects(rig.driver.attachPayload(vm.id, { kind: 'iso', path: '/tmp/seat-01.iso', name: 'seat-01.iso' }), (e: unknown) => e instanceof HvNotFoundError && /seat-01\.iso/.test(e.message));
      const vdi = rig.fake.addIso('seat-01.iso');
      const attached = await rig.driver.attachPayload(vm.id, { kind: 'iso', path: '/tmp/seat-01.iso', name: 'seat-01.iso' });
      assert.deepEqual(attached, { kind: 'iso', id: uuidOf(rig.fake.record(vdi)) });
      const cd = () => rig.fake.all('VBD').find((v) => v.record['VM'] === rig.fake.refOf(vm.id) && v.record['type'] === 'CD')!.record;
      assert.equal(cd()['VDI'], vdi);
      await rig.driver.detachPayload(vm.id, attached);
      assert.equal(cd()['empty'], true);
    } finally {
      await rig.close();
    }
  });

  test('templates: publish flag in other_config, clones get fresh MACs, deleteTemplate removes its disks', async () => {
    const rig = await startRig();
    try {
      const vm = await rig.driver.createContainer(containerSpec({ mac: '52:54:00:00:00:99' }));
      const tpl = await rig.driver.convertToTemplate(vm.id, 'gold');
      await rig.driver.publishTemplate(tpl.id, true);
      assert.equal((rig.fake.record(tpl.id)!['other_config'] as Record<string, string>)['vizor.published'], 'true');
      assert.equal((await rig.driver.listVms({ role: 'template' }))[0]?.details?.['published'], true);
      const seat = await rig.driver.clone({ name: 'seat', templateId: tpl.id, tag: { role: 'room', owner: 'r/1' } });
      assert.equal(seat.macs.length, 1);
      assert.notEqual(seat.macs[0], '52:54:00:00:00:99', 'XAPI gives a clone a new MAC');
      await rig.driver.destroy(seat.id);
      await rig.driver.deleteTemplate(tpl.id);
      await rig.driver.deleteTemplate(tpl.id);
      assert.equal(rig.fake.record(tpl.id), undefined);
      assert.ok(rig.fake.all('VDI').every((v) => !String(v.record['name_label']).startsWith('build-1')));
    } finally {
      await rig.close();
    }
  });

  test('snapshots: list oldest first, revert of a halted snapshot does not start, delete is idempotent', async () => {
    const rig = await startRig();
    try {
      const vm = await rig.driver.createContainer(containerSpec());
      const s1 = await rig.driver.snapshot(vm.id, 's1', 'one');
      await rig.driver.start(vm.id);
      const s2 = await rig.driver.snapshot(vm.id, 's2', 'two');
      assert.deepEqual((await rig.driver.listSnapshots(vm.id)).map((s) => [s.name, s.powerAtSnapshot]), [['s1', 'halted'], ['s2', 'running']]);
      await rig.driver.revert(vm.id, s1.id);
      assert.equal((await rig.driver.getVm(vm.id)).power, 'halted');
      assert.equal(count(rig.fake, 'Async.VM.start'), 1, 'only the explicit start');
      await rig.driver.deleteSnapshot(vm.id, s2.id);
      await rig.driver.deleteSnapshot(vm.id, s2.id);
      assert.deepEqual((await rig.driver.listSnapshots(vm.id)).map((s) => s.name), ['s1']);
      await assert.rejects(rig.driver.revert(vm.id, vm.id), HvNotFoundError, 'a VM is not its own snapshot');
    } finally {
      await rig.close();
    }
  });

  test('setVmOptions: description, Viridian for Windows, stateless disks via VDI.on_boot', async () => {
    const rig = await startRig();
    try {
      const vm = await rig.driver.createContainer(containerSpec());
      await rig.driver.setVmOptions(vm.id, { description: 'lab seat', osType: 'windows10_64', stateless: true });
      const rec = rig.fake.record(vm.id)!;
      assert.equal(rec['name_description'], 'lab seat');
      assert.equal((rec['platform'] as Record<string, string>)['viridian'], 'true');
      const disk = rig.fake.all('VBD').find((v) => v.record['VM'] === rig.fake.refOf(vm.id) && v.record['type'] === 'Disk')!;
      assert.equal(rig.fake.record(String(disk.record['VDI']))!['on_boot'], 'reset');
    } finally {
      await rig.close();
    }
  });

  test('destroy succeeds for a VM that is already gone and keeps disks other VMs use', async () => {
    const rig = await startRig();
    try {
      const vm = await rig.driver.createContainer(containerSpec());
      await rig.driver.destroy(vm.id);
      await rig.driver.destroy(vm.id);
      await rig.driver.destroy('not-a-uuid');
      const foreignDisk = rig.fake.all('VDI').find((v) => v.record['name_label'] === 'unrelated-vm disk')!;
      const other = await rig.driver.createContainer(containerSpec({ name: 'sharer' }));
      // Attach the foreign VM's disk to `other` too: destroying `other` must not delete it.
      await fetchCreateVbd(rig.fake.url, rig.fake, rig.fake.refOf(other.id), foreignDisk.ref);
      await rig.driver.destroy(other.id);
      assert.ok(rig.fake.record(foreignDisk.ref), 'the shared disk survived');
    } finally {
      await rig.close();
    }
  });
});

/** Adds a VBD through the fake's own JSON-RPC (a second client, as another tool would). */
async function fetchCreateVbd(url: string, fake: { user: string; password: string }, vm: string, vdi: string): Promise<void> {
  const rpc = async (method: string, params: unknown[]): Promise<unknown> => {
    const res = await fetch(`${url}/jsonrpc`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
    const body = (await res.json()) as { result?: unknown; error?: unknown };
    if (body.error) throw new Error(JSON.stringify(body.error));
    return body.result;
  };
  const session = await rpc('session.login_with_password', [fake.user, fake.password]);
  await rpc('VBD.create', [session, { VM: vm, VDI: vdi, userdevice: '5', bootable: false, mode: 'RW', type: 'Disk', empty: false, other_config: {}, qos_algorithm_type: '', qos_algorithm_params: {} }]);
}
