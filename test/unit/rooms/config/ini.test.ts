import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigObj, subsection } from '../../../../src/rooms/config/legacy/ini.js';
import { LegacyImportError } from '../../../../src/rooms/config/index.js';

const values = (text: string, ...path: string[]): Record<string, unknown> => {
  let sec = parseConfigObj(text);
  for (const p of path) sec = subsection(sec, p)!;
  return Object.fromEntries([...sec.values].map(([k, v]) => [k, v.value]));
};

describe('ConfigObj INI reader', () => {
  const cases: { name: string; text: string; path: string[]; expect: Record<string, unknown> }[] = [
    { name: 'plain, quoted and spaced values', text: "[s]\na = 1\nb=\"two words\"\n  c =  'single'  \n", path: ['s'], expect: { a: '1', b: 'two words', c: 'single' } },
    { name: 'unquoted commas make a list; quoted commas do not', text: '[s]\nl = a, b ,c\nq = "a, b"\none = x,\nempty = ,\n', path: ['s'], expect: { l: ['a', 'b', 'c'], q: 'a, b', one: ['x'], empty: [] } },
    { name: 'lists mixing quoted items', text: '[s]\nl = "a,1", b, \'c#d\'\n', path: ['s'], expect: { l: ['a,1', 'b', 'c#d'] } },
    { name: 'comments: full line and inline, but not inside quotes', text: '# top\n[s]  # section comment\n  # indented\na = v   # note\nb = "x # y"  # note\n', path: ['s'], expect: { a: 'v', b: 'x # y' } },
    { name: 'nested sections by bracket depth', text: '[a]\nx = 1\n  [[b]]\n  y = 2\n    [[[c]]]\n    z = 3\n  [[d]]\n  w = 4\n', path: ['a', 'd'], expect: { w: '4' } },
    { name: 'section names may be quoted and spaced', text: '[ "room test01" ]\nk = v\n', path: ['room test01'], expect: { k: 'v' } },
    { name: 'triple quotes span lines', text: "[s]\nt = '''line1\nline2'''\nu = \"\"\"one\"\"\"\n", path: ['s'], expect: { t: 'line1\nline2', u: 'one' } },
    { name: 'empty value', text: '[s]\na =\n', path: ['s'], expect: { a: '' } },
    { name: 'CRLF line ends', text: '[s]\r\na = 1\r\n', path: ['s'], expect: { a: '1' } },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(values(c.text, ...c.path), c.expect));

  test('deeper sections keep their parents', () => {
    const root = parseConfigObj('[a]\n[[b]]\n[[[c]]]\nz = 3\n[e]\n');
    assert.deepEqual(root.sections.map((s) => s.name), ['a', 'e']);
    assert.equal(subsection(subsection(subsection(root, 'a')!, 'b')!, 'c')!.values.get('z')!.line, 4);
  });

  const errors: [string, string, RegExp, number][] = [
    ['duplicate key', '[s]\na = 1\na = 2\n', /key "a" appears twice/, 3],
    ['duplicate section', '[s]\n[s]\n', /section "s" appears twice/, 2],
    ['subsection without parent', '[[orphan]]\n', /nested too deeply/, 1],
    ['skipping a level', '[a]\n[[[c]]]\n', /nested too deeply/, 2],
    ['unbalanced brackets', '[[a]\n', /malformed section/, 1],
    ['line without =', '[s]\njust words\n', /expected "key = value"/, 2],
    ['unterminated quote', '[s]\na = "open\n', /unterminated " quote/, 2],
    ['text after a quoted value', '[s]\na = "x" y\n', /unexpected text/, 2],
    ['unterminated triple quote', "[s]\na = '''open\nmore\n", /unterminated ''' value/, 2],
  ];
  for (const [name, text, msg, line] of errors) {
    test(`error: ${name}`, () => {
      assert.throws(() => parseConfigObj(text), (err: unknown) => err instanceof LegacyImportError && err.code === 'ROOM_IMPORT' && err.line === line && msg.test(err.message));
    });
  }
});
