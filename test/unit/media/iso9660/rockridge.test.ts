import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MediaCorruptError } from '../../../../src/media/errors.js';
import { decodeSuspArea, findSuspIndicator, interpretRockRidge } from '../../../../src/media/iso9660/rockridge.js';
import { both32, ceEntry, nmEntry, spEntry, susp, assertMediaError } from './fixtures.js';

/** An SL body: flags byte then (flags, len, bytes) components. */
function sl(components: [number, string][], flags = 0): Buffer {
  const parts = components.map(([f, s]) => Buffer.concat([Buffer.from([f, Buffer.byteLength(s)]), Buffer.from(s)]));
  return susp('SL', Buffer.concat([Buffer.from([flags]), ...parts]));
}

function info(...entries: Buffer[]) {
  return interpretRockRidge(decodeSuspArea(Buffer.concat(entries)).entries);
}

describe('SUSP indicator', () => {
  test('SP at 0 gives LEN_SKP', () => assert.equal(findSuspIndicator(Buffer.concat([spEntry(0), nmEntry('x')])), 0));
  test('SP with LEN_SKP 3', () => assert.equal(findSuspIndicator(spEntry(3)), 3));
  test('SP behind a 14-byte CD-XA header', () => assert.equal(findSuspIndicator(Buffer.concat([Buffer.alloc(14, 1), spEntry(0)])), 14));
  test('wrong check bytes', () => assert.equal(findSuspIndicator(susp('SP', [0xbe, 0xee, 0])), null));
  test('no System Use', () => assert.equal(findSuspIndicator(Buffer.alloc(0)), null));
});

describe('Rock Ridge entries', () => {
  test('NM with CONTINUE concatenates', () => assert.equal(info(nmEntry('long-', 1), nmEntry('name.txt')).name, 'long-name.txt'));
  test('NM CURRENT and PARENT', () => {
    assert.equal(info(nmEntry('', 2)).name, '.');
    assert.equal(info(nmEntry('', 4)).name, '..');
  });
  test('NM carries UTF-8', () => assert.equal(info(nmEntry('Grüße-日本')).name, 'Grüße-日本'));
  test('PX mode', () => {
    const px = susp('PX', Buffer.concat([both32(0o120777), both32(1), both32(0), both32(0), both32(5)]));
    assert.equal(info(px).mode, 0o120777);
  });
  test('TF modify time, short and long form', () => {
    const short = susp('TF', [0x03, 100, 1, 1, 0, 0, 0, 0, 124, 6, 7, 8, 9, 10, 0]);
    assert.equal(info(short).modified?.toISOString(), '2024-06-07T08:09:10.000Z');
    const long = susp('TF', Buffer.concat([Buffer.from([0x82]), Buffer.from('2023123123595900\0', 'latin1')]));
    assert.equal(info(long).modified?.toISOString(), '2023-12-31T23:59:59.000Z');
    assert.equal(info(susp('TF', [0x04, 100, 1, 1, 0, 0, 0, 0])).modified, null);
  });
  const links: [string, Buffer[], string][] = [
    ['relative', [sl([[0, 'target.txt']])], 'target.txt'],
    ['absolute', [sl([[8, ''], [0, 'etc'], [0, 'passwd']])], '/etc/passwd'],
    ['root only', [sl([[8, '']])], '/'],
    ['dot-dot', [sl([[4, ''], [0, 'b']])], '../b'],
    ['split component across SL entries', [sl([[1, 'ab']], 1), sl([[0, 'cd'], [2, '']])], 'abcd/.'],
  ];
  for (const [name, entries, target] of links) test(`SL ${name}`, () => assert.equal(info(...entries).symlinkTarget, target));
  test('RE, CL, PL and ER', () => {
    const er = susp('ER', Buffer.concat([Buffer.from([10, 0, 0, 1]), Buffer.from('RRIP_1991A')]));
    const r = info(susp('RE'), susp('CL', both32(77)), susp('PL', both32(5)), er);
    assert.deepEqual([r.relocated, r.childLink, r.parentLink, r.extensions], [true, 77, 5, ['RRIP_1991A']]);
  });
  test('CE is returned as a continuation and ST ends the area', () => {
    const area = decodeSuspArea(Buffer.concat([nmEntry('a'), ceEntry(40, 100, 60), susp('ST'), nmEntry('ignored')]));
    assert.deepEqual(area.continuation, { block: 40, offset: 100, length: 60 });
    assert.equal(area.entries.length, 1);
  });
  test('trailing zero padding ends the area', () => {
    assert.equal(decodeSuspArea(Buffer.concat([nmEntry('a'), Buffer.alloc(5)])).entries.length, 1);
  });
  test('LEN_SKP start offset is honoured', () => {
    assert.equal(decodeSuspArea(Buffer.concat([Buffer.from('XYZ'), nmEntry('n')]), 3).entries[0]?.signature, 'NM');
  });

  const corrupt: [string, () => unknown][] = [
    ['entry length below 4', () => decodeSuspArea(Buffer.from([0x4e, 0x4d, 2, 1, 0, 0]))],
    ['entry past area end', () => decodeSuspArea(Buffer.concat([nmEntry('abc')]).subarray(0, 6))],
    ['short CE', () => decodeSuspArea(susp('CE', [1, 2, 3]))],
    ['SL component past entry', () => info(susp('SL', [0, 0, 50, 0x41]))],
    ['TF shorter than flags', () => info(susp('TF', [0x03, 100, 1, 1]))],
    ['short PX', () => info(susp('PX', [1, 2]))],
    ['ER id past entry', () => info(susp('ER', [40, 0, 0, 1, 0x41]))],
  ];
  for (const [name, fn] of corrupt) test(`corrupt: ${name}`, () => assertMediaError(fn, MediaCorruptError));
});
