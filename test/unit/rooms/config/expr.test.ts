import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { evaluateFormula, parseLegacyIds, RoomExpressionError } from '../../../../src/rooms/config/index.js';

function refused(text: string, reason: RegExp): void {
  assert.throws(() => parseLegacyIds(text), (err: unknown) => {
    assert.ok(err instanceof RoomExpressionError, `expected RoomExpressionError, got ${String(err)}`);
    assert.equal(err.code, 'ROOM_EXPRESSION');
    assert.equal(err.key, 'ids');
    assert.equal(err.expression, text);
    assert.match(err.message, /^ids = /);
    assert.match(err.reason, reason);
    return true;
  });
}

describe('legacy ids parser', () => {
  const valid: [string, number[]][] = [
    ['[1]', [1]],
    ['[1, 2, 3]', [1, 2, 3]],
    ['[1, 2, 3,]', [1, 2, 3]],
    ['range(2,4+1)', [2, 3, 4]],
    ['range(1, 10)', [1, 2, 3, 4, 5, 6, 7, 8, 9]],
    ['range(4)', [0, 1, 2, 3]],
    ['range(10, 0, -3)', [10, 7, 4, 1]],
    ['range(1, 20, 5)', [1, 6, 11, 16]],
    ['range(1,3) + [10, 12]', [1, 2, 10, 12]],
    ['[ (1+2)*3 , 2*2 - -1 ]', [9, 5]],
    ['  range( 1 , 3 )  ', [1, 2]],
    ['range(1, 1001)', Array.from({ length: 1000 }, (_, i) => i + 1)],
  ];
  for (const [text, ids] of valid) test(`accepts ${text.slice(0, 30)}`, () => assert.deepEqual(parseLegacyIds(text), ids));

  const invalid: [string, RegExp][] = [
    ['', /empty/],
    ['1', /must be a list/],
    ['[]', /no ids/],
    ['range(5, 1)', /no ids/],
    ['[1, 1]', /appears twice/],
    ['[-1]', /outside 0-99999/],
    ['[100000]', /outside 0-99999/],
    ['range()', /1 to 3 arguments/],
    ['range(1, 2, 3, 4)', /1 to 3 arguments/],
    ['range(1, 5, 0)', /step must not be zero/],
    ['range(1, 5', /expected "\)"/],
    ['[1, 2', /expected "\]"/],
    ['[[1]]', /list cannot be used/],
    ['[1] - [1]', /list cannot be used/],
    ['[1] * 3', /list cannot be used/],
    ['1.5', /unexpected character "\."/],
    ['0x10', /unknown name "x10"|unexpected/],
    ['list(range(3))', /unknown name "list"/],
    ['xrange(3)', /unknown name "xrange"/],
    ['(1, 2)', /expected "\)"/],
    ['[1] [2]', /unexpected "\["/],
  ];
  for (const [text, reason] of invalid) test(`refuses ${JSON.stringify(text)}`, () => refused(text, reason));

  const hostile: [string, RegExp][] = [
    ["__import__('os')", /unexpected character "'"/],
    ["__import__('os').system('touch /tmp/x')", /unexpected character/],
    ['__import__', /unknown name "__import__"/],
    ['open', /unknown name "open"/],
    ['eval', /unknown name "eval"/],
    ['globals()', /unknown name "globals"/],
    ['range.__class__', /unexpected character "\."/],
    ['[x for x in range(3)]', /unknown name "x"|unexpected/],
    ['lambda: 1', /unknown name "lambda"|unexpected/],
    ['range(1,10**9)', /"\*\*" .* not allowed/],
    ['range(1, 1000000000)', /would give 999999999 items; the limit is 1000/],
    ['range(0, 2000, 1) + range(1)', /limit is 1000/],
    ['range(1,10*10*10*10*10*10)', /limit is 1000/],
    ['range(1,3) + range(3,5)' + ' + range(1,2)'.repeat(60), /longer than 500|appears twice/],
    ['9'.repeat(40), /too large/],
    ['99999999999*99999999999*9999999', /out of range/],
    ['('.repeat(100) + '1' + ')'.repeat(100), /nested more than 16/],
    ['-'.repeat(100) + '1', /nested more than 16/],
    ['[' + '1,'.repeat(300) + ']', /longer than 500/],
    ['[' + '1,'.repeat(200) + ']', /appears twice/],
    ['range(1, 3); import os', /unexpected character ";"/],
    ['`id`', /unexpected character "`"/],
    ['$(reboot)', /unexpected character "\$"/],
  ];
  for (const [text, reason] of hostile) test(`refuses hostile ${JSON.stringify(text.slice(0, 40))}`, () => refused(text, reason));

  test('property: any text either parses to distinct ids or throws RoomExpressionError (nothing else)', () => {
    const alphabet = fc.constantFrom(...'0123456789+-*()[], rangeimport_os.\'"x;`$\\'.split(''), 'range(', '__import__(', ')', '**');
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 80 }), fc.array(alphabet, { maxLength: 60 }).map((a) => a.join(''))), (text) => {
        try {
          const ids = parseLegacyIds(text);
          assert.ok(Array.isArray(ids) && ids.length > 0 && ids.length <= 1000);
          assert.equal(new Set(ids).size, ids.length);
          for (const id of ids) assert.ok(Number.isInteger(id) && id >= 0 && id <= 99999);
        } catch (err) {
          if (!(err instanceof RoomExpressionError)) throw err;
        }
      }),
      { numRuns: 3000 },
    );
  });

  test('property: generated lists and ranges give exactly what Python would', () => {
    // A model of Python's range() and list concatenation, to compare against.
    const pyRange = (a: number, b: number, s: number): number[] => {
      const out: number[] = [];
      for (let v = a; s > 0 ? v < b : v > b; v += s) out.push(v);
      return out;
    };
    const part = fc.oneof(
      fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 300 }), fc.integer({ min: -5, max: 5 }).filter((s) => s !== 0))
        .map(([a, b, s]) => ({ text: `range(${a}, ${b}, ${s})`, ids: pyRange(a, b, s) })),
      fc.uniqueArray(fc.integer({ min: 0, max: 9999 }), { minLength: 1, maxLength: 10 }).map((xs) => ({ text: `[${xs.join(', ')}]`, ids: xs })),
    );
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 4 }), (parts) => {
        const text = parts.map((p) => p.text).join(' + ');
        const expected = parts.flatMap((p) => p.ids);
        const ok = expected.length > 0 && new Set(expected).size === expected.length;
        if (ok) assert.deepEqual(parseLegacyIds(text), expected);
        else assert.throws(() => parseLegacyIds(text), RoomExpressionError);
      }),
      { numRuns: 500 },
    );
  });

  test('property: parsing never runs the text as code', () => {
    const g = globalThis as { __vizorPwned?: boolean };
    delete g.__vizorPwned;
    const payloads = ['globalThis.__vizorPwned=true', '(()=>{globalThis.__vizorPwned=true})()', "__import__('os')", 'eval("globalThis.__vizorPwned=true")'];
    fc.assert(
      fc.property(fc.constantFrom(...payloads), fc.constantFrom('', '[1] + ', 'range(1, 3) + '), (payload, prefix) => {
        assert.throws(() => parseLegacyIds(prefix + payload), RoomExpressionError);
      }),
    );
    assert.equal(g.__vizorPwned, undefined);
  });
});

describe('addressing formulas', () => {
  const cases: [string, number, string][] = [
    ['10.1.2.{100+id}', 7, '10.1.2.107'],
    ['10.1.{id}.{id*2}', 3, '10.1.3.6'],
    ['10.1.2.{(id - 1) * 4 + 1}', 3, '10.1.2.9'],
    ['192.0.2.5', 9, '192.0.2.5'],
  ];
  for (const [f, id, ip] of cases) test(`${f} with id ${id} gives ${ip}`, () => assert.equal(evaluateFormula(f, id), ip));
  const bad: [string, RegExp][] = [
    ['10.1.2.{100+id', /without a matching "}"/],
    ['10.1.2.}', /without a matching "{"/],
    ['10.1.2.{range(3)}', /unknown name "range"/],
    ['10.1.2.{[1]}', /unexpected "\["/],
    ['10.1.2.{300+id}', /not an IPv4 address/],
  ];
  for (const [f, reason] of bad) {
    test(`refuses ${f}`, () => assert.throws(() => evaluateFormula(f, 1), (err: unknown) => err instanceof RoomExpressionError && err.key === 'addressing.formula' && reason.test(err.message)));
  }
});
