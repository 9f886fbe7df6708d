// Short-name generation and long-name entries, table-driven against the rules of the FAT
// specification (basis name, numeric tail, checksum, entry order).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { displayShortName, exactShortName, longNameEntries, makeShortName, shortNameChecksum } from '../../../src/payloads/fat-names.js';

describe('makeShortName', () => {
  const cases: { name: string; taken?: string[]; want: string }[] = [
    { name: 'nonce.txt', want: 'NONCE.TXT' },
    { name: 'Autounattend.xml', want: 'AUTOUN~1.XML' },
    { name: 'Autounattend.xml', taken: ['AUTOUN~1XML'], want: 'AUTOUN~2.XML' },
    { name: 'readme', want: 'README' },
    { name: 'a.jpeg', want: 'A~1.JPE' },
    { name: 'my file.txt', want: 'MYFILE~1.TXT' },
    { name: 'archive.tar.gz', want: 'ARCHIV~1.GZ' },
    { name: '.profile', want: 'PROFIL~1' },
    { name: 'a+b=c.txt', want: 'A_B_C~1.TXT' },
    { name: 'Ünïcode.ini', want: '_N_COD~1.INI' },
    { name: 'x', taken: ['X          '], want: 'X~1' },
  ];
  for (const c of cases) {
    test(`${c.name} → ${c.want}`, () => {
      const taken = new Set((c.taken ?? []).map((t) => (t.length === 11 ? t : t.padEnd(11))));
      assert.equal(displayShortName(makeShortName(c.name, taken)), c.want);
    });
  }
  test('tails grow past ~9 and keep the name within 8 characters', () => {
    const taken = new Set<string>();
    for (let i = 0; i < 12; i++) taken.add(makeShortName('Autounattend.xml', taken));
    assert.ok(taken.has('AUTOU~10XML') && taken.has('AUTOU~12XML'), [...taken].join(','));
  });
});

describe('exactShortName', () => {
  const cases: [string, string | null][] = [
    ['NONCE.TXT', 'NONCE   TXT'], ['README', 'README     '], ['A~1.B', 'A~1     B  '],
    ['nonce.txt', null], ['TOOLONGNAME.TXT', null], ['A.B.C', null], ['A B.TXT', null], ['A.TEXT', null],
  ];
  for (const [name, want] of cases) test(`${name} → ${want}`, () => assert.equal(exactShortName(name), want));
});

describe('longNameEntries', () => {
  test('pieces of 13 UTF-16 units, last first with 0x40, 0x0000 then 0xFFFF padding, checksum in each', () => {
    const short = Buffer.from('AUTOUN~1XML', 'latin1');
    const entries = longNameEntries('Autounattend.xml', short);
    assert.equal(entries.length, 2);
    assert.deepEqual(entries.map((e) => e[0]), [0x42, 0x01]);
    const sum = shortNameChecksum(short);
    for (const e of entries) {
      assert.equal(e[11], 0x0f);
      assert.equal(e[13], sum);
      assert.equal(e.readUInt16LE(26), 0);
    }
    // second piece holds "xml", a terminator, then 0xFFFF fill
    assert.equal(entries[0]!.readUInt16LE(1), 'x'.charCodeAt(0));
    assert.equal(entries[0]!.readUInt16LE(7), 0x0000);
    assert.equal(entries[0]!.readUInt16LE(30), 0xffff);
  });

  test('the checksum rotates right and adds each byte', () => {
    let sum = 0;
    for (const b of Buffer.from('NONCE   TXT', 'latin1')) sum = (((sum & 1) << 7) | (sum >> 1)) + b & 0xff;
    assert.equal(shortNameChecksum(Buffer.from('NONCE   TXT', 'latin1')), sum);
  });
});
