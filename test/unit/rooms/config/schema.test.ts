import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { loadRoomText } from '../../../../src/rooms/config/index.js';
import { assertProblem, baseRoom, problemsOf, roomFrom } from './helpers.js';

const group = (extra: Record<string, unknown>) => ({ groups: [{ name: 'g', ids: [1], ...extra }] });

describe('room schema: invalid input is reported with its YAML path', () => {
  const cases: { name: string; room: Record<string, unknown>; path: string; message: string | RegExp }[] = [
    { name: 'usb as a string', room: baseRoom({ usb: 'enabled' }), path: 'usb', message: 'must be true or false' },
    { name: 'misspelt room key', room: baseRoom({ usbb: true }), path: 'usbb', message: 'unknown key "usbb" (did you mean "usb"?)' },
    { name: 'misspelt group key', room: baseRoom(group({ namepattern: 'x${id}' })), path: 'groups[0].namepattern', message: 'did you mean "namePattern"' },
    { name: 'unknown key inside a block', room: baseRoom({ reset: { start: 'never', when: 'nightly' } }), path: 'reset.when', message: 'unknown key "when"' },
    { name: 'first and formula together', room: baseRoom({ addressing: { subnet: '10.0.0.0/24', first: '10.0.0.5', formula: '10.0.0.{id}' } }), path: 'addressing.formula', message: 'either first or formula' },
    { name: 'subnet with host bits', room: baseRoom({ addressing: { subnet: '10.0.0.7/24' } }), path: 'addressing.subnet', message: 'did you mean 10.0.0.0/24' },
    { name: 'subnet without prefix', room: baseRoom({ addressing: { subnet: '10.0.0.0' } }), path: 'addressing.subnet', message: 'address/prefix' },
    { name: 'formula with code in it', room: baseRoom({ addressing: { subnet: '10.0.0.0/24', formula: '10.0.0.{process.exit(1)}' } }), path: 'addressing.formula', message: 'unexpected character "."' },
    { name: 'formula with an unknown name', room: baseRoom({ addressing: { subnet: '10.0.0.0/24', formula: '10.0.0.{idx}' } }), path: 'addressing.formula', message: 'unknown name "idx"' },
    { name: 'formula that is not an address', room: baseRoom({ addressing: { subnet: '10.0.0.0/24', formula: '10.0.{id}' } }), path: 'addressing.formula', message: 'not an IPv4 address' },
    { name: 'gateway not an address', room: baseRoom({ addressing: { gateway: '10.0.0' } }), path: 'addressing.gateway', message: /IPv4/i },
    { name: 'unknown name placeholder', room: baseRoom({ namePattern: '${room}-${seat}' }), path: 'namePattern', message: 'unknown placeholder ${seat}' },
    { name: 'stray $ in a name pattern', room: baseRoom({ namePattern: '$room-${id}' }), path: 'namePattern', message: 'must start a placeholder' },
    { name: 'thin client user and group', room: baseRoom({ thinClient: { user: 'u', group: 'g', role: 'r' } }), path: 'thinClient.group', message: 'either user or group' },
    { name: 'reset policy misspelt', room: baseRoom({ reset: { start: 'auto' } }), path: 'reset.start', message: 'always, if-running or never' },
    { name: 'reserved unattend value', room: baseRoom({ unattend: { template: 'unattend', values: { vm: 1 } } }), path: 'unattend.values.vm', message: 'reserved' },
    { name: 'bad secret reference', room: baseRoom({ domain: { name: 'd', user: 'u', passwordSecret: 'has space' } }), path: 'domain.passwordSecret', message: 'name of a vizor secret' },
    { name: 'bad MAC', room: baseRoom({ macs: { 1: '52:54:00:zz:00:01' } }), path: 'macs.1', message: 'MAC address' },
    { name: 'room name with underscore', room: baseRoom({ room: 'lab_1' }), path: 'room', message: 'letters, digits and -' },
    { name: 'group without ids', room: baseRoom({ groups: [{ name: 'g', ids: [] }] }), path: 'groups[0].ids', message: 'at least one id' },
    { name: 'room without groups', room: baseRoom({ groups: [] }), path: 'groups', message: 'at least one group' },
    { name: 'memory below 64 MiB', room: baseRoom({ memoryMiB: 32 }), path: 'memoryMiB', message: '64' },
    { name: 'site and group keys mixed up', room: baseRoom({ site: { room: 'x' } }), path: 'site.room', message: 'unknown key "room"' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assertProblem(problemsOf(() => roomFrom(c.room)), c.path, c.message);
    });
  }

  test('every problem is reported at once, in line order, with lines', () => {
    const text = stringify(baseRoom({ usbb: true, reset: { start: 'auto' }, groups: [{ name: 'g', ids: [1], cpus: 2 }] }));
    const problems = problemsOf(() => loadRoomText(text, 'x.yaml'));
    assert.equal(problems.length, 3);
    const lines = problems.map((p) => p.line!);
    assert.deepEqual(lines, [...lines].sort((a, b) => a - b));
    const cpus = assertProblem(problems, 'groups[0].cpus', 'did you mean "vcpus"');
    assert.equal(cpus.line, text.split('\n').findIndex((l) => l.includes('cpus:')) + 1);
    assert.equal(cpus.file, 'x.yaml');
  });

  test('an inline password is refused, pointing to vizor secret set, without echoing it', () => {
    const problems = problemsOf(() => roomFrom(baseRoom({ domain: { name: 'corp', user: 'j', password: 'Hunter2-Secret' } })));
    const p = assertProblem(problems, 'domain.password', 'vizor secret set lab-domain-join');
    assert.match(p.message, /passwordSecret: lab-domain-join/);
    assert.ok(!JSON.stringify(problems).includes('Hunter2-Secret'));
    const v = problemsOf(() => roomFrom(baseRoom({ unattend: { template: 'unattend', values: { adminPassword: 'S3cret-Value' } } })));
    assertProblem(v, 'unattend.values.adminPassword', 'unattend.secrets');
    assert.ok(!JSON.stringify(v).includes('S3cret-Value'));
  });

  test('YAML syntax errors and duplicate keys carry line and column', () => {
    const bad = problemsOf(() => loadRoomText('room: a\ngroups:\n  - name: g\n    ids: [1, 2\n  - name: h\n', 'bad.yaml'));
    assert.match(bad[0]!.message, /not valid YAML/);
    assert.equal(bad[0]!.file, 'bad.yaml');
    assert.ok(bad[0]!.line! >= 4 && bad[0]!.column! >= 1);
    const dup = problemsOf(() => loadRoomText('room: a\nusb: true\nusb: false\n', 'dup.yaml'));
    assert.match(dup[0]!.message, /unique|duplicate/i);
    assert.equal(dup[0]!.line, 3);
  });

  test('a YAML alias bomb is refused instead of expanded', () => {
    let text = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 9; i++) text += `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
    const problems = problemsOf(() => loadRoomText(text, 'bomb.yaml'));
    assert.match(problems[0]!.message, /not valid YAML/);
  });

  test('a top level that is not a mapping is refused', () => {
    assertProblem(problemsOf(() => loadRoomText('- a\n- b\n', 'list.yaml')), '', 'must be a mapping');
  });

  test('a valid room keeps its values and records lines for its paths', () => {
    const room = roomFrom(baseRoom({ snapshot: { name: 'base' } }));
    assert.equal(room.room, 'lab');
    assert.equal(room.usb, false);
    assert.deepEqual(room.groups[0]!.ids, [1, 2]);
    assert.equal(room.source!.file, 'mem/lab.yaml');
    assert.equal(typeof room.source!.lines['groups[0].ids'], 'number');
  });
});
