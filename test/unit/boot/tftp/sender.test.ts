import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Sender, wireBlock, type SendPlan, type SenderConfig } from '../../../../src/boot/tftp/sender.js';

type Step = ['start'] | ['ack', number] | ['timeout'];
type Want = [number, number] | 'idle' | 'done' | 'give-up';

const base: SenderConfig = { lastBlock: 10, windowsize: 1, oack: false, timeoutMs: 100, retries: 3 };

function plan(p: SendPlan): Want {
  return p.kind === 'send' ? [p.from, p.to] : p.kind;
}

/** Runs the steps on a fresh Sender and returns each resulting plan. */
function run(config: Partial<SenderConfig>, steps: Step[]): Want[] {
  const s = new Sender({ ...base, ...config });
  return steps.map((st) => plan(st[0] === 'start' ? s.start() : st[0] === 'ack' ? s.ack(st[1]) : s.timeout()));
}

describe('Sender', () => {
  const cases: { name: string; config: Partial<SenderConfig>; steps: Step[]; want: Want[] }[] = [
    {
      name: 'lock-step without OACK',
      config: { lastBlock: 3 },
      steps: [['start'], ['ack', 1], ['ack', 2], ['ack', 3]],
      want: [[1, 1], [2, 2], [3, 3], 'done'],
    },
    { name: 'OACK first, then DATA after ACK 0', config: { lastBlock: 2, oack: true }, steps: [['start'], ['ack', 0], ['ack', 1], ['ack', 2]], want: [[0, 0], [1, 1], [2, 2], 'done'] },
    { name: 'empty file: one empty block', config: { lastBlock: 1 }, steps: [['start'], ['ack', 1]], want: [[1, 1], 'done'] },
    {
      name: 'duplicate ACK is ignored (no Sorcerer\'s Apprentice)',
      config: { lastBlock: 5 },
      steps: [['start'], ['ack', 1], ['ack', 1], ['ack', 1], ['ack', 2]],
      want: [[1, 1], [2, 2], 'idle', 'idle', [3, 3]],
    },
    {
      name: 'ACK 0 without OACK is a duplicate',
      config: { lastBlock: 5 },
      steps: [['start'], ['ack', 0]],
      want: [[1, 1], 'idle'],
    },
    { name: 'ACK of a block never sent is ignored', config: { lastBlock: 5 }, steps: [['start'], ['ack', 2], ['ack', 4000]], want: [[1, 1], 'idle', 'idle'] },
    {
      name: 'window of 4: full windows',
      config: { lastBlock: 10, windowsize: 4 },
      steps: [['start'], ['ack', 4], ['ack', 8], ['ack', 10]],
      want: [[1, 4], [5, 8], [9, 10], 'done'],
    },
    {
      name: 'window: ACK inside the window restarts from k+1',
      config: { lastBlock: 10, windowsize: 4 },
      steps: [['start'], ['ack', 2], ['ack', 6]],
      want: [[1, 4], [3, 6], [7, 10]],
    },
    {
      name: 'window: duplicate ACK of base-1 and stale ACKs are ignored',
      config: { lastBlock: 20, windowsize: 4 },
      steps: [['start'], ['ack', 4], ['ack', 4], ['ack', 3], ['ack', 1], ['ack', 9], ['ack', 8]],
      want: [[1, 4], [5, 8], 'idle', 'idle', 'idle', 'idle', [9, 12]],
    },
    {
      name: 'window with OACK sends only the OACK first',
      config: { lastBlock: 3, windowsize: 8, oack: true },
      steps: [['start'], ['ack', 0], ['ack', 3]],
      want: [[0, 0], [1, 3], 'done'],
    },
    {
      name: 'timeouts resend the window from base, then give up',
      config: { lastBlock: 10, windowsize: 4, retries: 2 },
      steps: [['start'], ['ack', 2], ['timeout'], ['timeout'], ['timeout']],
      want: [[1, 4], [3, 6], [3, 6], [3, 6], 'give-up'],
    },
    {
      name: 'progress resets the retry count',
      config: { lastBlock: 10, retries: 1 },
      steps: [['start'], ['timeout'], ['ack', 1], ['timeout'], ['ack', 2], ['timeout'], ['timeout']],
      want: [[1, 1], [1, 1], [2, 2], [2, 2], [3, 3], [3, 3], 'give-up'],
    },
    { name: 'OACK is retransmitted on timeout', config: { oack: true }, steps: [['start'], ['timeout'], ['ack', 0]], want: [[0, 0], [0, 0], [1, 1]] },
    { name: 'events after done are ignored', config: { lastBlock: 1 }, steps: [['start'], ['ack', 1], ['ack', 1], ['timeout']], want: [[1, 1], 'done', 'idle', 'idle'] },
    { name: 'retries 0 gives up on the first timeout', config: { retries: 0 }, steps: [['start'], ['timeout']], want: [[1, 1], 'give-up'] },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(run(c.config, c.steps), c.want));

  test('timeout backs off ×2 up to ×8 and resets on progress', () => {
    const s = new Sender({ ...base, retries: 10 });
    s.start();
    const seen = [s.timeoutMs];
    for (let i = 0; i < 5; i++) {
      s.timeout();
      seen.push(s.timeoutMs);
    }
    assert.deepEqual(seen, [100, 200, 400, 800, 800, 800]);
    s.ack(1);
    assert.equal(s.timeoutMs, 100);
  });

  test('block numbers roll over 65535 → 0 and ACKs are mapped back', () => {
    const last = 70_000;
    const s = new Sender({ ...base, lastBlock: last, windowsize: 16, oack: true });
    assert.deepEqual(plan(s.start()), [0, 0]);
    let p = s.ack(0);
    let acked = 0;
    while (p.kind === 'send') {
      acked = p.to;
      p = s.ack(wireBlock(p.to));
    }
    assert.equal(p.kind, 'done');
    assert.equal(acked, last);
    assert.deepEqual([wireBlock(65535), wireBlock(65536), wireBlock(65537)], [65535, 0, 1]);
  });

  test('across the wrap, an old ACK from the previous cycle is ignored', () => {
    const s = new Sender({ ...base, lastBlock: 70_000, windowsize: 4 });
    s.start();
    for (let k = 4; k <= 65536; k += 4) s.ack(wireBlock(k)); // base = 65537 (wire 1)
    assert.equal(s.base, 65537);
    assert.equal(plan(s.ack(65535)), 'idle'); // block 65535 of the previous cycle, already acked
    assert.deepEqual(plan(s.ack(1)), [65538, 65541]); // wire 1 = block 65537, a partial ACK
  });
});
