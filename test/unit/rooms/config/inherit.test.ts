import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { computeRoomPlan, type PlannedVm } from '../../../../src/rooms/config/index.js';
import { baseRoom, roomFrom } from './helpers.js';

/** Plans a one-group room with the given site, room and group settings; returns its first VM. */
function vmOf(site: Record<string, unknown>, room: Record<string, unknown>, group: Record<string, unknown>): PlannedVm {
  const r = roomFrom({ ...baseRoom(room), site, groups: [{ name: 'g', ids: [1], ...group }] });
  const { vms, problems } = computeRoomPlan(r);
  assert.deepEqual(problems, []);
  return vms[0]!;
}

describe('inheritance: site defaults ← room ← group', () => {
  const cases: { name: string; site: Record<string, unknown>; room: Record<string, unknown>; group: Record<string, unknown>; check: (vm: PlannedVm) => void }[] = [
    {
      name: 'scalars: the most specific level wins',
      site: { memoryMiB: 2048, vcpus: 1 }, room: { memoryMiB: 4096 }, group: { vcpus: 4 },
      check: (vm) => { assert.equal(vm.memoryMiB, 4096); assert.equal(vm.vcpus, 4); },
    },
    {
      name: 'placement merges key by key',
      site: { placement: { cluster: 'A', network: 'n1' } }, room: { placement: { storage: 'ssd' } }, group: { placement: { network: 'n2' } },
      check: (vm) => assert.deepEqual(vm.placement, { cluster: 'A', network: 'n2', storage: 'ssd' }),
    },
    {
      name: 'unattend values merge across all levels',
      site: { unattend: { template: 'unattend', values: { locale: 'de-CH', tz: 'UTC' } } }, room: { unattend: { values: { tz: 'CET', org: 'School' } } }, group: { unattend: { values: { seat: 'front' } } },
      check: (vm) => {
        assert.deepEqual(vm.unattend?.values, { locale: 'de-CH', tz: 'CET', org: 'School', seat: 'front' });
        assert.equal(vm.unattend?.templateKind, 'builtin');
      },
    },
    {
      name: 'a group formula replaces an inherited first address',
      site: {}, room: {}, group: { addressing: { formula: '10.0.0.{200+id}' } },
      check: (vm) => { assert.equal(vm.ip, '10.0.0.201'); assert.equal(vm.gateway, '10.0.0.1'); assert.equal(vm.prefix, 24); },
    },
    {
      name: 'lists replace rather than append',
      site: { addressing: { dns: ['10.0.0.2', '10.0.0.3'] } }, room: {}, group: { addressing: { dns: ['10.0.0.4'] } },
      check: (vm) => assert.deepEqual(vm.dns, ['10.0.0.4']),
    },
    {
      name: 'thin client: a group user replaces an inherited group, the role stays',
      site: { thinClient: { role: 'UserRoleWithReconnect', group: 'all-tcs' } }, room: {}, group: { thinClient: { user: 'tc1' } },
      check: (vm) => assert.deepEqual(vm.thinClient, { user: 'tc1', role: 'UserRoleWithReconnect' }),
    },
    {
      name: 'null turns an inherited domain off',
      site: { domain: { name: 'corp', user: 'j', passwordSecret: 'corp-join' } }, room: {}, group: { domain: null },
      check: (vm) => assert.equal(vm.domain, null),
    },
    {
      name: 'domain parts from different levels combine',
      site: { domain: { name: 'corp', passwordSecret: 'corp-join' } }, room: { domain: { user: 'joiner', ou: 'OU=Lab' } }, group: {},
      check: (vm) => assert.deepEqual(vm.domain, { name: 'corp', ou: 'OU=Lab', user: 'joiner', passwordSecret: 'corp-join' }),
    },
    {
      name: 'usb may come from the site defaults',
      site: { usb: true }, room: { usb: undefined }, group: {},
      check: (vm) => assert.equal(vm.usb, true),
    },
    {
      name: 'defaults: not stateless, never restart after reset, no snapshot, no DHCP reservation',
      site: {}, room: {}, group: {},
      check: (vm) => {
        assert.equal(vm.stateless, false);
        assert.deepEqual(vm.reset, { start: 'never' });
        assert.equal(vm.snapshot, null);
        assert.equal(vm.dhcpReserve, false);
        assert.equal(vm.startAfterRollout, false);
      },
    },
  ];
  for (const c of cases) test(c.name, () => c.check(vmOf(c.site, c.room, c.group)));

  test('the site argument of planRoom sits below the room file\'s own site block', () => {
    const r = roomFrom({ ...baseRoom(), site: { vcpus: 2 } });
    const { vms } = computeRoomPlan(r, { vcpus: 8, memoryMiB: 1024 });
    assert.equal(vms[0]!.vcpus, 2);
    assert.equal(vms[0]!.memoryMiB, 1024);
  });
});
