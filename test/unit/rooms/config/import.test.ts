import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nunjucks from 'nunjucks';
import { importLegacyRoom, importLegacyRoomFile, LegacyImportError, listLegacyRooms, loadRoomFile, planRoom, type LegacyImport, type PlannedVm } from '../../../../src/rooms/config/index.js';
import { FIXTURES, assertProblem, problemsOf, tempDir } from './helpers.js';

const LEGACY = join(FIXTURES, 'legacy');
const CONF = join(LEGACY, 'vm-rollout.conf');
/** Every password written in the legacy fixtures: none may reach vizor's output. */
const FIXTURE_SECRETS = ['Adm1n-Engine-Pw', 'J0in-Th3-D0main!', 'L0cal-Adm1n!', 'Scr1pt-Pw'];

/** Writes an import's YAML and templates to a fresh directory and plans the room from there. */
function roundTrip(result: LegacyImport): PlannedVm[] {
  const dir = tempDir();
  for (const t of result.templates) writeFileSync(join(dir, t.target), t.text);
  writeFileSync(join(dir, `${result.room.room}.yaml`), result.yaml);
  return planRoom(loadRoomFile(join(dir, `${result.room.room}.yaml`)));
}

const summary = (vm: PlannedVm) => ({
  name: vm.name, ip: vm.ip && `${vm.ip}/${vm.prefix}`, gateway: vm.gateway, template: vm.template, memoryMiB: vm.memoryMiB, usb: vm.usb,
  stateless: vm.stateless, reset: vm.reset.start, start: vm.startAfterRollout, tc: vm.thinClient?.user ?? null,
});

describe('legacy import: round trips from amoothei-vm-rollout .conf to planned VMs', () => {
  test('the file lists its rooms in order', () => {
    assert.deepEqual(listLegacyRooms(readFileSync(CONF, 'utf8')), ['test01', 'lab2', 'r12']);
  });

  test('test01 (the documented example) plans exactly the legacy VMs', () => {
    const vms = roundTrip(importLegacyRoomFile(CONF, { room: 'test01' }));
    const common = { gateway: '192.0.2.1', memoryMiB: 4096, usb: true, stateless: false, start: true, tc: 'ovirt.thinclient@school.example' };
    assert.deepEqual(vms.map(summary), [
      { name: 'test01-vd01', ip: '192.0.2.2/24', template: 'vdi-teachers-010', reset: 'always', ...common },
      { name: 'test01-vd02', ip: '192.0.2.3/21', template: 'vdi-students-010', reset: 'if-running', ...common },
      { name: 'test01-vd03', ip: '192.0.2.4/21', template: 'vdi-students-010', reset: 'if-running', ...common },
      { name: 'test01-vd04', ip: '192.0.2.5/21', template: 'vdi-students-010', reset: 'if-running', ...common },
    ]);
    const vm = vms[1]!;
    assert.deepEqual(vm.placement, { cluster: 'Default', network: 'mynetwork' });
    assert.equal(vm.hypervisor, 'engine.school.example');
    assert.deepEqual([vm.osType, vm.timeZone, vm.description], ['windows_7x64', 'W. Europe Standard Time', 'SchuelerVM']);
    assert.deepEqual(vm.thinClient, { user: 'ovirt.thinclient@school.example', role: 'UserRoleWithReconnect' });
    assert.deepEqual(vm.snapshot, { name: 'rollout', description: 'Automatic snapshot after amoothei-vmrollout, IP=192.0.2.3/21, scripttime=${time}' });
    assert.deepEqual(vm.domain, { name: 'school.example', ou: 'OU=VDI,DC=school,DC=example', user: 'svc-domainjoin', passwordSecret: 'test01-domain-join' });
    assert.equal(vm.unattend?.templateKind, 'file');
    assert.match(vm.unattend!.template, /Autounattend-room\.xml\.njk$/);
    assert.deepEqual(vm.unattend?.secrets, { adminPassword: 'test01-admin-password', sharePassword: 'test01-share-password' });
  });

  test('lab2: unquoted lists, $name patterns, stateless, no snapshot, no thin client', () => {
    const result = importLegacyRoomFile(CONF, { room: 'lab2' });
    const vms = roundTrip(result);
    assert.deepEqual(vms.map((v) => `${v.name} ${v.ip}`), [
      'lab2-pc01 10.30.4.11', 'lab2-pc02 10.30.4.12', 'lab2-pc03 10.30.4.13',
      'lab2-pc05 10.30.4.15', 'lab2-pc06 10.30.4.16', 'lab2-pc07 10.30.4.17', 'lab2-pc08 10.30.4.18', 'lab2-pc09 10.30.4.19',
    ]);
    for (const vm of vms) {
      assert.deepEqual([vm.usb, vm.stateless, vm.snapshot, vm.thinClient, vm.reset.start, vm.startAfterRollout, vm.memoryMiB], [false, true, null, null, 'never', false, 2048]);
      assert.equal(vm.placement.cluster, 'Cluster #2');
    }
    assert.deepEqual(vms.map((v) => v.description), ['Front row # seats 1-3', 'Front row # seats 1-3', 'Front row # seats 1-3', 'Back rows', 'Back rows', 'Back rows', 'Back rows', 'Back rows']);
    assert.ok(result.unmapped.some((u) => u.key === '[room lab2].owner' && /outside any \[\[group\]\]/.test(u.reason)));
  });

  test('r12: a range joined with a list; shared settings are hoisted to the room', () => {
    const result = importLegacyRoomFile(CONF, { room: 'r12' });
    const vms = roundTrip(result);
    assert.equal(vms.length, 31);
    assert.deepEqual([vms[0]!.name, vms[0]!.ip, vms[30]!.name, vms[30]!.ip], ['r12-vd01', '172.16.12.100', 'r12-vd40', '172.16.12.139']);
    assert.match(result.yaml, /^ {4}ids: \[ 1-30, 40 \]$/m);
    assert.match(result.yaml, /^template: win7-r12$/m, 'one group: its settings live at room level');
    assert.equal(vms[0]!.snapshot!.description, 'nightly base of r12-vd01 made ${time} by USER');
    assert.ok(result.unmapped.some((u) => u.value === '${USER}' && /no vizor snapshot placeholder/.test(u.reason)));
  });

  test('settings that differ between groups stay in the groups', () => {
    const yaml = importLegacyRoomFile(CONF, { room: 'test01' }).yaml;
    assert.match(yaml, /^memoryMiB: 4096$/m);
    assert.match(yaml, /^ {4}template: vdi-teachers-010$/m);
    assert.match(yaml, /^ {6}subnet: 192\.0\.0\.0\/21$/m);
    assert.match(yaml, /^ {2}formula: 192\.0\.2\.\{id\+1\}$/m);
  });
});

describe('legacy import: secrets', () => {
  test('no password from the legacy files reaches the YAML, the templates or the report', () => {
    for (const room of ['test01', 'lab2', 'r12']) {
      const text = JSON.stringify(importLegacyRoomFile(CONF, { room }));
      for (const secret of FIXTURE_SECRETS) assert.ok(!text.includes(secret), `${secret} leaked in the import of ${room}`);
    }
  });

  test('each password is reported with the vizor secret set command to run', () => {
    const { unmapped } = importLegacyRoomFile(CONF, { room: 'test01' });
    const secrets = unmapped.filter((u) => u.reason.startsWith('secret: store it with vizor secret set '));
    assert.deepEqual(secrets.map((u) => [u.key, u.value, u.reason.split(' ').pop()]), [
      ['general.connect.password', '(hidden)', 'password)'],
      ['Autounattend-room.xml.template:29', '(hidden)', 'test01-domain-join'],
      ['Autounattend-room.xml.template:39', '(hidden)', 'test01-admin-password'],
      ['Autounattend-room.xml.template:49', '(hidden)', 'test01-share-password'],
    ]);
  });

  test('the converted template renders with nunjucks from the plan and secrets', () => {
    const result = importLegacyRoomFile(CONF, { room: 'test01' });
    const vm = roundTrip(result)[2]!;
    const env = new nunjucks.Environment(null, { autoescape: true, throwOnUndefined: true });
    const xml = env.renderString(result.templates[0]!.text.replace(/^%.*$/gm, ''), {
      vm: { ...vm, mac: '52:54:00:12:34:56' },
      domain: { ...vm.domain, password: 'pw<&>' },
      secrets: { adminPassword: 'adm', sharePassword: 'shr' },
      run: { time: '2024-05-01-0700' },
    });
    for (const expected of [
      '<IpAddress wcm:action="add" wcm:keyValue="1">192.0.2.4/21</IpAddress>',
      '<NextHopAddress>192.0.2.1</NextHopAddress>',
      '<ComputerName>test01-vd03</ComputerName>',
      '<Username>svc-domainjoin</Username>',
      '<Password>pw&lt;&amp;&gt;</Password>',
      '<JoinDomain>school.example</JoinDomain>',
      '<MachineObjectOU>OU=VDI,DC=school,DC=example</MachineObjectOU>',
      '<AdministratorPassword><Value>adm</Value>',
      '/user:SCHOOL\\scriptreader shr</CommandLine>',
      'firstlogon.cmd 2024-05-01-0700 test01-vd03 52-54-00-12-34-56 1&gt;',
      '<!-- {{ not nunjucks }} 192.0.2.4 -->',
    ]) assert.ok(xml.includes(expected), `missing ${expected}`);
  });

  test('Mako code without an equivalent is listed with its line and left as written', () => {
    const result = importLegacyRoomFile(CONF, { room: 'test01' });
    const mako = result.unmapped.filter((u) => /Mako/.test(u.reason)).map((u) => `${u.key} ${u.value}`);
    assert.deepEqual(mako, ['Autounattend-room.xml.template:56 % if stateless:', 'Autounattend-room.xml.template:57 ${vm.id}', 'Autounattend-room.xml.template:58 % endif']);
    assert.match(result.templates[0]!.text, /echo stateless \$\{vm\.id\}/);
  });
});

const GROUP = `names = "\${roomname}-vd\${id}"\n\ttemplate_name = t\n\tusb = enabled\n`;
const conf = (body: string, room = 'x1'): string => `[room ${room}]\n\t[[g]]\n${body}`;

describe('legacy import: refusals and reports', () => {
  test('hostile ids are refused with the key and value, and never run', () => {
    assert.throws(() => importLegacyRoomFile(join(LEGACY, 'hostile.conf')), (err: unknown) =>
      err instanceof LegacyImportError && err.line === 4 && err.message.includes(`ids = "__import__('os').system('touch /tmp/vizor-pwned')"`) && err.cause !== undefined);
    assert.equal(existsSync('/tmp/vizor-pwned'), false);
  });

  test('a billion-id range is refused by the cap', () => {
    assert.throws(() => importLegacyRoomFile(join(LEGACY, 'huge.conf')), /ids = "range\(1, 1000000000\)": would give 999999999 items; the limit is 1000/);
  });

  test('names over 15 characters import, then fail planning naming the VM', () => {
    const result = importLegacyRoomFile(join(LEGACY, 'long-names.conf'));
    const problems = problemsOf(() => roundTrip(result));
    assertProblem(problems, 'namePattern', 'computer name of VM classroom-north-vd01');
  });

  const errors: [string, string, { room?: string }, RegExp][] = [
    ['several rooms and none chosen', '[room a]\n[[g]]\nids = "[1]"\n[room b]\n[[g]]\nids = "[2]"\n', {}, /several rooms \(a, b\): choose one/],
    ['an unknown room', conf(`\tids = "[1]"\n${GROUP}`), { room: 'nope' }, /room "nope" is not defined \(rooms: x1\)/],
    ['no rooms at all', '[general]\nx = 1\n', {}, /no \[room <name>\] section/],
    ['a room without groups', '[room x1]\nids = "[1]"\n', {}, /has no \[\[group\]\]/],
    ['a group without ids', conf(GROUP), {}, /ids is missing/],
    ['a name pattern with an unknown variable', conf(`\tids = "[1]"\n\tnames = "\${roomname}-\${seat}"\n`), {}, /uses \$seat/],
    ['memory that is code', conf(`\tids = "[1]"\n\tmemory = __import__("os")\n`), {}, /memory = .*unexpected character/],
    ['an address pattern that gives no address', conf(`\tids = "[1]"\n\tip_addresses = "10.0.$suffix"\n`), {}, /does not give addresses/],
    ['a room name vizor cannot use', conf(`\tids = "[1]"\n`, 'my_room'), {}, /not a valid vizor room name/],
  ];
  for (const [name, text, opts, msg] of errors) {
    test(`error: ${name}`, () => assert.throws(() => importLegacyRoom(text, opts), (err: unknown) => err instanceof LegacyImportError && err.code === 'ROOM_IMPORT' && msg.test(err.message)));
  }

  test('odd values are converted with a note or listed as unmapped', () => {
    const result = importLegacyRoom(conf(`\tids = range(1, 3)\n\tnames = "$roomname-$id"\n\ttemplate_name = t\n\tusb = yes\n\tmemory = 1000000000\n\tfavourite_colour = blue\n\tadmin_password = hunter2\n\tautounattend_templatefile = a.xml.template\n`));
    assert.equal(result.room.usb, false);
    assert.ok(result.notes.some((n) => /usb = "yes" → usb: false/.test(n)));
    assert.ok(result.notes.some((n) => /DHCP/.test(n)));
    const byKey = Object.fromEntries(result.unmapped.map((u) => [u.key.split('.').pop(), u]));
    assert.match(byKey.memory!.reason, /whole number of MiB/);
    assert.match(byKey.favourite_colour!.reason, /not an amoothei-vm-rollout group setting/);
    assert.deepEqual([byKey.admin_password!.value, byKey.admin_password!.reason], ['(hidden)', 'secret: store it with vizor secret set x1-admin-password']);
    assert.match(byKey.autounattend_templatefile!.reason, /not read, so not converted/);
    assert.ok(!JSON.stringify(result).includes('hunter2'));
    assert.equal(result.room.unattend?.template, 'a.xml.template');
    assert.equal(result.room.namePattern, '${room}-${id}');
  });
});
