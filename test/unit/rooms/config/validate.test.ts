import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { computeRoomPlan, validateRoomOffline, type PlannedVm, type RoomProblemKind } from '../../../../src/rooms/config/index.js';
import { baseRoom, roomFrom } from './helpers.js';

function plan(extra: Record<string, unknown>): PlannedVm[] {
  const { vms, problems } = computeRoomPlan(roomFrom(baseRoom(extra)));
  assert.deepEqual(problems, [], 'the room itself must plan');
  return vms;
}

describe('validateRoomOffline: every problem kind', () => {
  const cases: { kind: RoomProblemKind; room: Record<string, unknown>; pool?: { start: string; end: string }; path: string; message: string }[] = [
    { kind: 'duplicate-name', room: { namePattern: 'pc', groups: [{ name: 'g', ids: [1, 2] }] }, path: 'namePattern', message: 'VM name pc (room lab, id 2) is also used by pc (room lab, id 1)' },
    { kind: 'duplicate-name', room: { namePattern: '${group}', groups: [{ name: 'PC', ids: [1] }, { name: 'pc', ids: [2] }] }, path: 'namePattern', message: 'also used by PC' },
    { kind: 'duplicate-address', room: { addressing: { subnet: '10.0.0.0/24', formula: '10.0.0.20' } }, path: 'addressing', message: 'address 10.0.0.20 of lab-vd02 (room lab, id 2) is also given to lab-vd01' },
    { kind: 'duplicate-mac', room: { macs: { 1: '52:54:00:00:00:01', 2: '52:54:00:00:00:01' } }, path: 'macs', message: 'MAC 52:54:00:00:00:01' },
    { kind: 'address-outside-subnet', room: { addressing: { subnet: '10.0.0.0/24', first: '10.0.0.255' } }, path: 'addressing', message: 'address 10.0.1.0 of lab-vd02 (room lab, id 2) is outside its subnet 10.0.0.0/24' },
    { kind: 'address-in-dhcp-pool', room: {}, pool: { start: '10.0.0.12', end: '10.0.0.99' }, path: 'addressing', message: 'address 10.0.0.12 of lab-vd02 (room lab, id 2) is inside the DHCP pool 10.0.0.12-10.0.0.99' },
    { kind: 'network-address', room: { addressing: { subnet: '10.0.0.0/24', first: '10.0.0.0' } }, path: 'addressing', message: 'is the network address of 10.0.0.0/24' },
    { kind: 'broadcast-address', room: { addressing: { subnet: '10.0.0.0/24', first: '10.0.0.254' } }, path: 'addressing', message: 'address 10.0.0.255 of lab-vd02 (room lab, id 2) is the broadcast address' },
    { kind: 'address-is-gateway', room: { addressing: { subnet: '10.0.0.0/24', gateway: '10.0.0.12', first: '10.0.0.11' } }, path: 'addressing', message: "address 10.0.0.12 of lab-vd02 (room lab, id 2) is the gateway's" },
    { kind: 'gateway-outside-subnet', room: { addressing: { subnet: '10.0.0.0/24', gateway: '10.0.9.1', first: '10.0.0.11' } }, path: 'addressing', message: 'gateway 10.0.9.1 of group "g" is outside its subnet' },
    { kind: 'name-too-long', room: { room: 'classroom-north' }, path: 'groups[0]', message: 'computer name of VM classroom-north-vd01 (room classroom-north, id 1) is 20 characters' },
    { kind: 'name-invalid', room: { namePattern: '${id}' }, path: 'namePattern', message: 'must not be all digits' },
    { kind: 'missing-template', room: { template: undefined }, path: 'groups[0]', message: 'no template set for group "g"' },
    { kind: 'missing-hypervisor', room: { hypervisor: undefined }, path: 'groups[0]', message: 'no hypervisor set for group "g"' },
  ];
  for (const c of cases) {
    test(`${c.kind}: ${c.message.slice(0, 50)}`, () => {
      const problems = validateRoomOffline(plan(c.room), c.pool ? { dhcpPool: c.pool } : {});
      const hit = problems.find((p) => p.kind === c.kind);
      assert.ok(hit, `no ${c.kind} in ${JSON.stringify(problems, null, 1)}`);
      assert.equal(hit.path, c.path);
      assert.ok(hit.message.includes(c.message), hit.message);
      assert.equal(hit.room, c.room.room ?? 'lab');
      assert.equal(hit.file, 'mem/lab.yaml');
    });
  }

  test('a clean room has no problems; /31 and /32 have no network or broadcast address', () => {
    assert.deepEqual(validateRoomOffline(plan({})), []);
    const p31 = plan({ addressing: { subnet: '10.0.0.0/31', first: '10.0.0.0' } });
    assert.deepEqual(validateRoomOffline(p31), []);
  });

  test('missing template and hypervisor are reported once per group, not per VM', () => {
    const problems = validateRoomOffline(plan({ template: undefined, groups: [{ name: 'g', ids: ['1-20'] }] }));
    assert.equal(problems.filter((p) => p.kind === 'missing-template').length, 1);
  });

  test('duplicate names and addresses across rooms', () => {
    const a = plan({});
    const b = computeRoomPlan(roomFrom(baseRoom({ room: 'other', namePattern: 'lab-vd${id}', addressing: { subnet: '10.0.0.0/24', first: '10.0.0.12' } }), 'mem/other.yaml')).vms;
    const problems = validateRoomOffline([a, b]);
    const kinds = problems.map((p) => `${p.kind} ${p.room} ${p.vm}`);
    assert.deepEqual(kinds, [
      'duplicate-name other lab-vd01',
      'duplicate-address other lab-vd01',
      'duplicate-name other lab-vd02',
    ]);
    assert.match(problems[1]!.message, /10\.0\.0\.12 of lab-vd01 \(room other, id 1\) is also given to lab-vd02 \(room lab, id 2\)/);
    assert.equal(problems[0]!.file, 'mem/other.yaml');
  });

  test('the order of problems does not depend on the order of the input', () => {
    const vms = plan({ namePattern: 'x', addressing: { subnet: '10.0.0.0/24', formula: '10.0.0.255' }, groups: [{ name: 'g', ids: ['1-6'] }] });
    const forward = validateRoomOffline(vms, { dhcpPool: { start: '10.0.0.200', end: '10.0.0.255' } });
    const reversed = validateRoomOffline([...vms].reverse(), { dhcpPool: { start: '10.0.0.200', end: '10.0.0.255' } });
    assert.deepEqual(reversed, forward);
    assert.deepEqual(forward.slice(0, 3).map((p) => p.kind), ['broadcast-address', 'address-in-dhcp-pool', 'duplicate-name']);
  });
});
