import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSequenceEvent, scrubSecrets, sequenceStateSchema } from '../../../../src/builds/sequence/index.js';

const at = '2026-11-22T01:02:03.456Z';
const id = '0f8fad5b-d9cb-469f-a165-70867728950e';

describe('sequence event contract', () => {
  const ok = [
    { id, stage: 'sequence', phase: 'start', attempt: 0, at, message: 'started' },
    { id, stage: 'drivers', task: 'tools', phase: 'start', attempt: 1, at },
    { id, stage: 'drivers', task: 'tools', phase: 'log', attempt: 1, at, message: 'script: installing' },
    { id, stage: 'drivers', task: 'tools', phase: 'end', status: 'ok', attempt: 1, at, reboot: true },
    { id, stage: 'drivers', task: 'tools', phase: 'end', status: 'skipped', attempt: 1, at, message: 'pre: no tools CD' },
    { id, stage: 'sequence', phase: 'end', status: 'failed', attempt: 0, at, message: 'task drivers/tools failed' },
  ];
  for (const e of ok) {
    test(`accepts ${e.stage}/${e.task ?? '-'} ${e.phase} ${e.status ?? ''}`, () => {
      const r = parseSequenceEvent(e);
      assert.ok('event' in r, JSON.stringify(r));
      assert.deepEqual(r.event, e);
    });
  }

  const bad: [string, unknown, RegExp][] = [
    ['not an object', 'hello', /body: /],
    ['unknown field', { ...ok[1], password: 'x' }, /Unrecognized key.*password/],
    ['task outside "sequence" missing', { id, stage: 'drivers', phase: 'start', attempt: 1, at }, /task: required unless stage is "sequence"/],
    ['sequence-wide with a task', { ...ok[0], task: 'x' }, /task: sequence-wide events have no task/],
    ['end without status', { id, stage: 'sequence', phase: 'end', attempt: 0, at }, /status: required when phase is "end"/],
    ['start with status', { ...ok[1], status: 'ok' }, /status: only an "end" carries a status/],
    ['log with reboot', { ...ok[2], reboot: true }, /reboot: only an "end"/],
    ['unknown phase', { ...ok[1], phase: 'begin' }, /phase: /],
    ['unknown status', { ...ok[3], status: 'great' }, /status: /],
    ['bad time', { ...ok[1], at: '22/11/2026' }, /at: /],
    ['huge message', { ...ok[2], message: 'x'.repeat(16 * 1024 + 1) }, /message: /],
    ['attempt not an integer', { ...ok[1], attempt: 1.5 }, /attempt: /],
    ['stage with a slash', { ...ok[1], stage: 'a/b' }, /stage: /],
    ['id with spaces', { ...ok[1], id: 'a b' }, /id: /],
  ];
  for (const [name, body, want] of bad) {
    test(`refuses ${name}`, () => {
      const r = parseSequenceEvent(body);
      assert.ok('problem' in r, 'accepted');
      assert.match(r.problem, want);
    });
  }

  test('scrubSecrets replaces every occurrence, longest secret first', () => {
    assert.equal(scrubSecrets('net use /user:svc Pa55word and Pa55', ['Pa55', 'Pa55word']), 'net use /user:svc [redacted] and [redacted]');
    assert.equal(scrubSecrets('nothing here', []), 'nothing here');
  });
});

// What the engine writes (New-VizorState, then Set-VizorCurrent/Complete-VizorState/
// Close-VizorState), as Windows PowerShell 5.1's ConvertTo-Json lays it out.
const fresh = `{
    "version":  1,
    "sequence":  "default",
    "digest":  "${'a'.repeat(64)}",
    "status":  "running",
    "completed":  [],
    "results":  {},
    "current":  null,
    "attempts":  {},
    "runs":  1,
    "startedAt":  "${at}",
    "endedAt":  null
}`;
const midRun = {
  ...JSON.parse(fresh),
  completed: ['drivers/guest-tools'],
  results: { 'drivers/guest-tools': { status: 'ok', at } },
  current: { id: 'languages/language-packs', phase: 'script', attempt: 2, startedAt: at },
  attempts: { 'drivers/guest-tools': 1, 'languages/language-packs': 2 },
  runs: 3,
};
const failed = { ...midRun, status: 'failed', results: { ...midRun.results, 'languages/language-packs': { status: 'failed', at } }, endedAt: at };
const done = { ...midRun, status: 'done', current: null, completed: ['drivers/guest-tools', 'languages/language-packs'], endedAt: at };

describe('sequence state file contract', () => {
  test('fresh, mid-run, failed and done state files are valid', () => {
    for (const [name, s] of [['fresh', JSON.parse(fresh)], ['mid-run', midRun], ['failed', failed], ['done', done]] as const) {
      const r = sequenceStateSchema.safeParse(s);
      assert.ok(r.success, `${name}: ${r.success ? '' : r.error.message}`);
    }
  });

  test("Windows PowerShell's {value, Count} array wrapping is refused, as are other shapes", () => {
    const wrapped = { ...midRun, completed: { value: ['drivers/guest-tools'], Count: 1 } };
    const bad: [string, unknown][] = [
      ['wrapped array', wrapped],
      ['version 2', { ...midRun, version: 2 }],
      ['unknown status', { ...midRun, status: 'paused' }],
      ['task id without stage', { ...midRun, completed: ['guest-tools'] }],
      ['PowerShell /Date()/ time', { ...midRun, startedAt: '/Date(1763773323456)/' }],
      ['extra key', { ...midRun, token: 'x' }],
      ['bad phase', { ...midRun, current: { ...midRun.current, phase: 'reboot' } }],
    ];
    for (const [name, s] of bad) assert.equal(sequenceStateSchema.safeParse(s).success, false, name);
  });
});
