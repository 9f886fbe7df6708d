import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadRoomFile, planRoom, type PlannedVm } from '../../../../src/rooms/config/index.js';
import { assertProblem, baseRoom, problemsOf, roomFrom, tempDir } from './helpers.js';

const pick = (vms: PlannedVm[], ...keys: (keyof PlannedVm)[]) => vms.map((vm) => Object.fromEntries(keys.map((k) => [k, vm[k]])));

describe('planRoom computes every VM', () => {
  const cases: { name: string; room: Record<string, unknown>; expect: Record<string, unknown>[]; keys: (keyof PlannedVm)[] }[] = [
    {
      name: 'default name pattern pads ids to two digits',
      room: baseRoom({ groups: [{ name: 'g', ids: [1, 2, '5-6'] }] }),
      keys: ['name', 'hostname', 'ip'],
      expect: [
        { name: 'lab-vd01', hostname: 'lab-vd01', ip: '10.0.0.11' },
        { name: 'lab-vd02', hostname: 'lab-vd02', ip: '10.0.0.12' },
        { name: 'lab-vd05', hostname: 'lab-vd05', ip: '10.0.0.15' },
        { name: 'lab-vd06', hostname: 'lab-vd06', ip: '10.0.0.16' },
      ],
    },
    {
      name: 'ids pad to the width of the largest id in the room',
      room: baseRoom({ groups: [{ name: 'a', ids: [7] }, { name: 'b', ids: [100] }], addressing: { subnet: '10.0.0.0/24', first: '10.0.0.7' } }),
      keys: ['name', 'group', 'ip'],
      expect: [
        { name: 'lab-vd007', group: 'a', ip: '10.0.0.7' },
        { name: 'lab-vd100', group: 'b', ip: '10.0.0.100' },
      ],
    },
    {
      name: 'groups in any order give VMs sorted by id; first counts from the lowest id sharing it',
      room: baseRoom({
        namePattern: '${group}${id}',
        groups: [
          { name: 'st', ids: ['3-4'] },
          { name: 'tc', ids: [2], addressing: { first: '10.0.0.250' } },
        ],
      }),
      keys: ['name', 'id', 'ip'],
      expect: [
        { name: 'tc02', id: 2, ip: '10.0.0.250' },
        { name: 'st03', id: 3, ip: '10.0.0.11' },
        { name: 'st04', id: 4, ip: '10.0.0.12' },
      ],
    },
    {
      name: 'formula per id, MACs lowercased, DHCP reservation flag',
      room: baseRoom({ addressing: { subnet: '10.1.0.0/16', gateway: '10.1.0.1', formula: '10.1.{id}.{100+id*2}' }, macs: { 2: '52:54:00:AB:CD:02' }, dhcp: { reserve: true } }),
      keys: ['ip', 'prefix', 'subnet', 'mac', 'dhcpReserve'],
      expect: [
        { ip: '10.1.1.102', prefix: 16, subnet: '10.1.0.0/16', mac: null, dhcpReserve: true },
        { ip: '10.1.2.104', prefix: 16, subnet: '10.1.0.0/16', mac: '52:54:00:ab:cd:02', dhcpReserve: true },
      ],
    },
    {
      name: 'no first or formula: addresses come from DHCP',
      room: baseRoom({ addressing: { dns: ['10.0.0.2'] } }),
      keys: ['ip', 'prefix', 'gateway', 'dns'],
      expect: [
        { ip: null, prefix: null, gateway: null, dns: ['10.0.0.2'] },
        { ip: null, prefix: null, gateway: null, dns: ['10.0.0.2'] },
      ],
    },
    {
      name: 'snapshot placeholders are filled; ${time} is left for the rollout',
      room: baseRoom({ groups: [{ name: 'g', ids: [1] }], snapshot: { name: 'base-${id}', description: '${name} ${ip}/${prefix} at ${time}' } }),
      keys: ['snapshot'],
      expect: [{ snapshot: { name: 'base-01', description: 'lab-vd01 10.0.0.11/24 at ${time}' } }],
    },
    {
      name: 'stateless VMs get no snapshot',
      room: baseRoom({ groups: [{ name: 'g', ids: [1] }], stateless: true, snapshot: { name: 'base' } }),
      keys: ['stateless', 'snapshot'],
      expect: [{ stateless: true, snapshot: null }],
    },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(pick(planRoom(roomFrom(c.room)), ...c.keys), c.expect));

  test('unattend template paths resolve against the room file; builtin names stay names', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'tpl'));
    writeFileSync(join(dir, 'tpl/room.xml.njk'), '<unattend/>');
    writeFileSync(join(dir, 'lab.yaml'), stringify(baseRoom({ unattend: { template: 'tpl/room.xml.njk', secrets: { adminPassword: 'lab-admin' } }, groups: [{ name: 'a', ids: [1] }, { name: 'b', ids: [2], unattend: { template: 'unattend' } }] })));
    const vms = planRoom(loadRoomFile(join(dir, 'lab.yaml')));
    assert.deepEqual(vms[0]!.unattend, { template: join(dir, 'tpl/room.xml.njk'), templateKind: 'file', values: {}, secrets: { adminPassword: 'lab-admin' } });
    assert.equal(vms[1]!.unattend!.template, 'unattend');
    assert.equal(vms[1]!.unattend!.templateKind, 'builtin');
  });

  test('a missing unattend template file is a load error at its path', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'lab.yaml'), stringify(baseRoom({ unattend: { template: 'missing.xml.njk' } })));
    assertProblem(problemsOf(() => loadRoomFile(join(dir, 'lab.yaml'))), 'unattend.template', 'does not exist');
  });

  test('usb has no default: a group without it is an error naming the group path', () => {
    const room = roomFrom({ ...baseRoom({ usb: undefined }), groups: [{ name: 'a', ids: [1] }, { name: 'b', ids: [2], usb: true }] });
    const problems = problemsOf(() => planRoom(room));
    const p = assertProblem(problems, 'groups[0]', 'usb is not set');
    assert.equal(p.file, 'mem/lab.yaml');
    assert.ok(p.line! > 0);
    assert.ok(!problems.some((q) => q.path === 'groups[1]'), 'the group that sets usb is fine');
  });

  test('problems that prevent planning are all collected, with paths', () => {
    const room = roomFrom(baseRoom({
      domain: { name: 'corp' },
      thinClient: { user: 'tc' },
      snapshot: { description: 'x' },
      unattend: { values: { a: 1 } },
      groups: [
        { name: 'a', ids: [1, '4-2', 'x'] },
        { name: 'b', ids: [1], addressing: { formula: '10.0.0.{250+id*3}' } },
        { name: 'c', ids: [9, 10], addressing: { subnet: '10.9.0.0/24', first: '255.255.255.255' } },
      ],
    }));
    const problems = problemsOf(() => planRoom(room));
    assertProblem(problems, 'groups[0].ids[1]', 'runs backwards');
    assertProblem(problems, 'groups[0].ids[2]', 'not an id or a range');
    assertProblem(problems, 'groups[1].ids', 'id 1 is listed also in group "a"');
    assertProblem(problems, 'domain', 'domain needs user');
    assertProblem(problems, 'domain', 'domain needs passwordSecret');
    assertProblem(problems, 'thinClient', 'needs a role');
    assertProblem(problems, 'snapshot', 'needs a name');
    assertProblem(problems, 'unattend', 'needs a template');
    assertProblem(problems, 'groups[2].addressing.first', 'past 255.255.255.255');
    const formula = problems.filter((p) => p.path === 'groups[1].addressing.formula');
    assert.equal(formula.length, 0, 'id 1 of group b is a duplicate and is not planned');
  });

  test('a formula giving an octet over 255 names the id', () => {
    const room = roomFrom(baseRoom({ groups: [{ name: 'g', ids: [1, 200] }], addressing: { subnet: '10.0.0.0/24', formula: '10.0.0.{100+id}' } }));
    assertProblem(problemsOf(() => planRoom(room)), 'addressing.formula', 'gives "10.0.0.300" for id 200');
  });

  test('a site reference that was never loaded is reported', () => {
    const room = { ...roomFrom(baseRoom()), site: 'site.yaml' };
    assertProblem(problemsOf(() => planRoom(room)), 'site', 'were not loaded');
  });
});
