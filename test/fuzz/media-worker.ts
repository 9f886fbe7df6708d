// Worker: runs fuzz cases against one image and reports each outcome to the parent,
// which enforces the time bound and memory cap. Not a test file itself.
import { parentPort, workerData } from 'node:worker_threads';
import { FileSource, BufferSource, type RandomAccessSource } from '../../src/media/source.js';
import { MediaImage } from '../../src/media/image.js';
import { inspectImage } from '../../src/media/inspect.js';
import { VizorError } from '../../src/errors.js';
import { MutatedSource, RecordingSource, prng } from './mutated-source.js';

interface Job {
  image: string;
  firstSeed: number;
  cases: number;
  inMemory: boolean;
}

const job = workerData as Job;

/** Walks the tree (bounded) and reads the head of every file, as a user of the image would. */
async function exercise(image: MediaImage): Promise<void> {
  await inspectImage(image);
  const queue = ['/'];
  let visited = 0;
  while (queue.length > 0 && visited < 400) {
    const path = queue.shift()!;
    for (const e of await image.list(path)) {
      visited++;
      if (e.node.isDirectory) queue.push(e.path);
      else if (e.node.size > 0) await image.readRange(e, 0, Math.min(e.node.size, 4096));
    }
  }
}

/** One mutation: bytes to write (or, with `xor`, masks to flip) and an optional cut. */
interface Mutation {
  patches: Map<number, number>;
  xor?: boolean;
  truncate?: number;
  what: string;
}

function mutate(seed: number, sectors: number[], size: number, partitionStart: number): Mutation {
  const rnd = prng(seed);
  const patches = new Map<number, number>();
  const pickOffset = () => sectors[Math.floor(rnd() * sectors.length)]! * 2048 + Math.floor(rnd() * 2048);
  const writeU32 = (pos: number, v: number) => {
    for (let i = 0; i < 4; i++) patches.set(pos + i, (v >>> (8 * i)) & 0xff);
  };
  const kind = Math.floor(rnd() * 5);
  switch (kind) {
    case 0: {
      const n = 1 + Math.floor(rnd() * 8);
      for (let i = 0; i < n; i++) {
        const pos = pickOffset();
        patches.set(pos, (patches.get(pos) ?? 0) ^ (1 << Math.floor(rnd() * 8)));
      }
      return { patches, xor: true, what: `bit flips x${n}` };
    }
    case 1:
      return { patches, truncate: Math.floor(rnd() * size), what: 'truncation' };
    case 2: {
      const absurd = [0xffffffff, 0x7fffffff, 0x80000000, 0x3fffffff, 0xc0000000, 0, 1, 2048, 0x10000];
      const pos = pickOffset() & ~3;
      writeU32(pos, absurd[Math.floor(rnd() * absurd.length)]!);
      return { patches, what: `absurd u32 at ${pos}` };
    }
    case 3: {
      // Point a field at a sector the reader already visits: makes loops (an AED or a
      // directory referring to itself or an ancestor) likely.
      const pos = pickOffset() & ~3;
      const target = sectors[Math.floor(rnd() * sectors.length)]!;
      writeU32(pos, rnd() < 0.5 ? target : Math.max(0, target - partitionStart));
      return { patches, what: `pointer to sector ${target} at ${pos}` };
    }
    default: {
      const n = 1 + Math.floor(rnd() * 32);
      const start = pickOffset();
      for (let i = 0; i < n; i++) patches.set(start + i, Math.floor(rnd() * 256));
      return { patches, what: `random run of ${n} bytes at ${start}` };
    }
  }
}

async function main(): Promise<void> {
  const base: RandomAccessSource = job.inMemory
    ? new BufferSource(await (await import('node:fs/promises')).readFile(job.image), job.image)
    : await FileSource.open(job.image);
  const recorder = new RecordingSource(base);
  const clean = await MediaImage.open(recorder);
  await exercise(clean);
  const partitionStart = clean.udf?.partitionStart ?? 0;
  const sectors = [...recorder.sectors].sort((a, b) => a - b);
  parentPort!.postMessage({ type: 'ready', sectors: sectors.length });

  for (let i = 0; i < job.cases; i++) {
    const seed = job.firstSeed + i;
    const m = mutate(seed, sectors, base.size, partitionStart);
    let patches = m.patches;
    if (m.xor) {
      const real = new Map<number, number>();
      for (const [pos, mask] of patches) if (pos < base.size) real.set(pos, (await base.read(pos, 1))[0]! ^ mask);
      patches = real;
    }
    parentPort!.postMessage({ type: 'start', seed, what: m.what });
    let outcome = 'ok';
    try {
      const image = await MediaImage.open(new MutatedSource(base, patches, m.truncate));
      await exercise(image);
    } catch (err) {
      if (!(err instanceof VizorError)) {
        parentPort!.postMessage({ type: 'untyped', seed, what: m.what, error: String((err as Error)?.stack ?? err) });
        continue;
      }
      outcome = err.code;
    }
    parentPort!.postMessage({ type: 'done', seed, outcome });
  }
  parentPort!.postMessage({ type: 'finished' });
}

main().catch((err) => parentPort!.postMessage({ type: 'setup-failed', error: String((err as Error)?.stack ?? err) }));
