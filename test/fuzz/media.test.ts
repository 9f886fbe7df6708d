import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { testImagePath } from '../helpers/media.js';

/**
 * Mutates every test image (bit flips, truncation, absurd lengths, pointers that make
 * loops, random runs) and checks each case ends in a result or a typed VizorError
 * within a time bound, in a worker whose heap is capped: a hang, a crash or an
 * unbounded allocation fails the test with the seed that caused it.
 */
const IMAGES: { name: string; cases: number; inMemory: boolean }[] = [
  { name: 'win10.iso', cases: 2000, inMemory: true },
  { name: 'win11-esd.iso', cases: 1500, inMemory: true },
  { name: 'joliet-rr.iso', cases: 1500, inMemory: true },
  { name: 'eltorito.iso', cases: 1000, inMemory: true },
  { name: 'langpack.iso', cases: 800, inMemory: true },
  { name: 'virtio-win.iso', cases: 600, inMemory: true },
  { name: 'debian-netinst.iso', cases: 800, inMemory: true },
  { name: 'rhel-like.iso', cases: 600, inMemory: true },
  { name: 'win11-big.iso', cases: 1200, inMemory: false },
];
const CASE_TIMEOUT_MS = 10_000;
const HEAP_MB = 384;

function runImage(image: string, cases: number, inMemory: boolean, firstSeed: number): Promise<Map<string, number>> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./media-worker.js', import.meta.url), {
      workerData: { image, cases, inMemory, firstSeed },
      resourceLimits: { maxOldGenerationSizeMb: HEAP_MB },
    });
    const outcomes = new Map<string, number>();
    let current = { seed: -1, what: 'setup' };
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        void worker.terminate();
        reject(new Error(`${image}: case seed ${current.seed} (${current.what}) did not finish within ${CASE_TIMEOUT_MS} ms`));
      }, CASE_TIMEOUT_MS * (current.seed < 0 ? 6 : 1));
    };
    arm();
    worker.on('message', (msg: { type: string; seed: number; what: string; outcome: string; error: string }) => {
      if (msg.type === 'start') {
        current = { seed: msg.seed, what: msg.what };
        arm();
      } else if (msg.type === 'done') outcomes.set(msg.outcome, (outcomes.get(msg.outcome) ?? 0) + 1);
      else if (msg.type === 'untyped') {
        clearTimeout(timer);
        void worker.terminate();
        reject(new Error(`${image}: seed ${msg.seed} (${msg.what}) threw an untyped error:\n${msg.error}`));
      } else if (msg.type === 'setup-failed') {
        clearTimeout(timer);
        reject(new Error(`${image}: the clean image could not be read: ${msg.error}`));
      } else if (msg.type === 'finished') {
        clearTimeout(timer);
        void worker.terminate();
        resolve(outcomes);
      }
    });
    worker.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`${image}: worker died on seed ${current.seed} (${current.what}): ${err.message}`));
    });
  });
}

test('media readers survive 10,000+ mutated images without crash, hang or runaway memory', { timeout: 30 * 60_000 }, async (t) => {
  let total = 0;
  for (const [i, img] of IMAGES.entries()) {
    const path = await testImagePath(img.name);
    const outcomes = await runImage(path, img.cases, img.inMemory, 1_000_000 * (i + 1));
    const n = [...outcomes.values()].reduce((a, b) => a + b, 0);
    assert.equal(n, img.cases, `${img.name}: every case reported an outcome`);
    total += n;
    t.diagnostic(`${img.name}: ${n} cases → ${[...outcomes.entries()].map(([k, v]) => `${k} ${v}`).join(', ')}`);
  }
  assert.ok(total >= 10_000, `ran ${total} cases`);
});
