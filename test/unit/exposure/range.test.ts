import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideRange } from '../../../src/exposure/index.js';

const cases: [string | undefined, number, unknown][] = [
  [undefined, 100, { kind: 'full' }],
  ['bytes=0-9', 100, { kind: 'partial', range: { start: 0, end: 10 } }],
  ['bytes=90-', 100, { kind: 'partial', range: { start: 90, end: 100 } }],
  ['bytes=90-500', 100, { kind: 'partial', range: { start: 90, end: 100 } }],
  ['bytes=-10', 100, { kind: 'partial', range: { start: 90, end: 100 } }],
  ['bytes=-500', 100, { kind: 'partial', range: { start: 0, end: 100 } }],
  ['bytes=100-', 100, { kind: 'unsatisfiable' }],
  ['bytes=-0', 100, { kind: 'unsatisfiable' }],
  ['bytes=5-2', 100, { kind: 'full' }],
  ['bytes=0-1,5-6', 100, { kind: 'full' }],
  ['items=0-1', 100, { kind: 'full' }],
  ['bytes=-', 100, { kind: 'full' }],
  ['bytes=4700000000-4700000099', 4700747509, { kind: 'partial', range: { start: 4700000000, end: 4700000100 } }],
  ['bytes=99999999999999999999-', 100, { kind: 'full' }],
];
for (const [header, size, want] of cases) test(`Range ${header ?? '(none)'} of ${size}`, () => assert.deepEqual(decideRange(header, size), want));
