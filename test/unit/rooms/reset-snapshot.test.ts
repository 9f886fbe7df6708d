// Which snapshot a room reset uses: exactly one matching the configured name (with
// `${time}` as a wildcard); none or several are reported, never guessed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resetSnapshot, type PlannedVm } from '../../../src/rooms/index.js';

const vm = (name: string | null) => ({ snapshot: name === null ? null : { name, description: '' } }) as unknown as PlannedVm;
const snap = (name: string) => ({ id: name, name, description: '', createdAt: null, powerAtSnapshot: null });

test('reset snapshot choice', () => {
  const cases: [string | null, string[], string | RegExp][] = [
    ['clean', ['clean', 'other'], 'clean'],
    ['rollout ${time}', ['rollout 2026-11-22T10:00:00Z', 'manual'], 'rollout 2026-11-22T10:00:00Z'],
    ['rollout ${time}', ['rollout a', 'rollout b'], /2 snapshots match "rollout \$\{time\}": rollout a, rollout b/],
    ['clean', ['clean2', 'unclean'], /no snapshot named like "clean"/],
    ['a.b(c)', ['a.b(c)', 'aXb(c)'], 'a.b(c)'],
    [null, ['clean'], /no snapshot configured/],
  ];
  for (const [configured, have, want] of cases) {
    const r = resetSnapshot(vm(configured), have.map(snap));
    if (typeof want === 'string') assert.equal('snapshot' in r ? r.snapshot.name : r.problem, want, String(configured));
    else assert.match('problem' in r ? r.problem : `picked ${r.snapshot.name}`, want, String(configured));
  }
});
