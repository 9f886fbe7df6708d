import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadRoomFile, loadRooms, planRoom, validateRoomOffline } from '../../../../src/rooms/config/index.js';
import { FIXTURES, assertProblem, problemsOf, tempDir } from './helpers.js';

const YAML_DIR = join(FIXTURES, 'yaml');
const BAD_DIR = join(FIXTURES, 'bad');

describe('loading rooms from files', () => {
  test('a rooms directory: site.yaml gives defaults, rooms come back sorted by name', () => {
    const rooms = loadRooms(YAML_DIR);
    assert.deepEqual(rooms.map((r) => r.room), ['lab-a', 'lab-b']);
    const a = planRoom(rooms[0]!);
    assert.equal(a.length, 25);
    assert.deepEqual([a[0]!.name, a[0]!.ip, a[0]!.memoryMiB, a[0]!.reset.start, a[0]!.usb], ['lab-a-vd01', '10.20.1.101', 8192, 'always', true]);
    assert.deepEqual([a[24]!.name, a[24]!.ip, a[24]!.memoryMiB, a[24]!.reset.start, a[24]!.usb], ['lab-a-vd25', '10.20.1.125', 4096, 'if-running', false]);
    assert.equal(a[0]!.domain?.passwordSecret, 'school-domain-join', 'from site.yaml');
    assert.deepEqual(a[0]!.unattend?.values, { locale: 'de-CH', timeZone: 'W. Europe Standard Time', organization: 'Example School', autoLogon: false });
    const b = planRoom(rooms[1]!);
    assert.deepEqual(b.map((v) => `${v.name} ${v.ip}`), ['lab-b-k01 10.20.2.101', 'lab-b-k02 10.20.2.102', 'lab-b-k03 10.20.2.103', 'lab-b-k07 10.20.2.107', 'lab-b-k08 10.20.2.108', 'lab-b-k09 10.20.2.109']);
    assert.deepEqual([b[0]!.domain, b[0]!.snapshot, b[0]!.hypervisor, b[0]!.thinClient], [null, null, 'xen-pool1', { group: 'kiosk-users', role: 'UserRoleWithReconnect' }]);
    assert.deepEqual(validateRoomOffline([a, b], { dhcpPool: { start: '10.20.1.200', end: '10.20.1.250' } }), []);
  });

  test('the same room file loaded alone does not pick up the directory\'s site.yaml', () => {
    const room = loadRoomFile(join(YAML_DIR, 'lab-a.yaml'));
    assert.equal(room.site, undefined);
    const problems = problemsOf(() => planRoom(room));
    assert.deepEqual(problems.map((p) => `${p.line} ${p.path}: ${p.message.split(' (')[0]}`), [
      '5 thinClient: thinClient needs a role',
      '23 groups[0].unattend: unattend needs a template',
      '14 unattend: unattend needs a template',
      '18 groups[0]: no hypervisor set for group "teacher": name a vizor hypervisor entry',
      '26 groups[1]: no hypervisor set for group "students": name a vizor hypervisor entry',
    ], 'each problem once, even when two groups inherit it');
  });

  test('bad files: every problem of every file, each with its file and line', () => {
    const problems = problemsOf(() => loadRooms(BAD_DIR));
    const typo = join(BAD_DIR, 'typo.yaml');
    assert.deepEqual(assertProblem(problems, 'usbb', 'did you mean "usb"').file, typo);
    assert.equal(assertProblem(problems, 'usbb', '').line, 4);
    assert.equal(assertProblem(problems, 'groups[0].namepattern', 'did you mean "namePattern"').line, 8);
    assert.equal(assertProblem(problems, 'groups[0].addressing.formula', 'either first or formula').line, 12);
    assert.equal(assertProblem(problems, 'domain.password', 'vizor secret set pw-domain-join').file, join(BAD_DIR, 'inline-password.yaml'));
    const syntax = problems.find((p) => p.file === join(BAD_DIR, 'syntax.yaml'))!;
    assert.match(syntax.message, /not valid YAML/);
    assert.equal(syntax.line, 5);
    assert.ok(!JSON.stringify(problems).includes('Sup3rS3cret') && !JSON.stringify(problems).includes('AlsoS3cret'));
  });

  test('usb missing after inheritance is caught when the room is planned', () => {
    const room = loadRoomFile(join(BAD_DIR, 'no-usb.yaml'));
    const p = assertProblem(problemsOf(() => planRoom(room)), 'groups[0]', 'usb is not set');
    assert.equal(p.line, 5);
  });

  test('a room defined in two files is an error; a missing directory is an error when named', () => {
    const dir = tempDir();
    copyFileSync(join(YAML_DIR, 'lab-b.yaml'), join(dir, 'one.yaml'));
    copyFileSync(join(YAML_DIR, 'lab-b.yaml'), join(dir, 'two.yml'));
    writeFileSync(join(dir, 'notes.txt'), 'not a room');
    assertProblem(problemsOf(() => loadRooms(dir)), 'room', `room "lab-b" is also defined in ${join(dir, 'one.yaml')}`);
    assertProblem(problemsOf(() => loadRooms(join(dir, 'nope'))), '', 'cannot read rooms directory');
    assertProblem(problemsOf(() => loadRoomFile(join(dir, 'nope.yaml'))), '', 'ENOENT');
  });

  test('site: references a defaults file relative to the room; its problems name that file', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'rooms'));
    writeFileSync(join(dir, 'defaults.yaml'), 'hypervisor: hv\nvcpus: 2\nusb: true\nplacment:\n  cluster: c\n');
    writeFileSync(join(dir, 'rooms/r.yaml'), 'room: r\nsite: ../defaults.yaml\ntemplate: t\ngroups:\n  - name: g\n    ids: [1]\n');
    const problems = problemsOf(() => loadRoomFile(join(dir, 'rooms/r.yaml')));
    const p = assertProblem(problems, 'placment', 'did you mean "placement"');
    assert.deepEqual([p.file, p.line], [join(dir, 'defaults.yaml'), 4]);
    writeFileSync(join(dir, 'defaults.yaml'), 'hypervisor: hv\nvcpus: 2\nusb: true\n');
    const vm = planRoom(loadRoomFile(join(dir, 'rooms/r.yaml')))[0]!;
    assert.deepEqual([vm.hypervisor, vm.vcpus, vm.usb, vm.source.paths.hypervisor], ['hv', 2, true, 'site.hypervisor']);
    writeFileSync(join(dir, 'rooms/s.yaml'), 'room: s\nsite: missing.yaml\ngroups:\n  - name: g\n    ids: [1]\n');
    assertProblem(problemsOf(() => loadRoomFile(join(dir, 'rooms/s.yaml'))), '', 'cannot read');
  });
});
