// Compares vizor's in-place inspect with the old mount + wimlib way. Run as root after
// `bash scripts/deps.sh` and `bash scripts/test-media/build.sh`.
//
// Old way, as the original vizor did it: `mount -o loop,ro` the ISO, `wimlib-imagex info`
// on sources/install.{wim,esd}, umount; bytes read come from the loop device's counters.
// Where the kernel has no UDF/ISO 9660 driver (as on the build machines), the nearest
// user-space equivalent is used and named in the output: 7-Zip extracts install.wim from
// the ISO and wimlib-imagex reads it; bytes read are then at least the extracted size.
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const media = execFileSync('bash', ['scripts/test-media/build.sh'], { encoding: 'utf8' }).trim().split('\n').pop();
const images = (process.argv.slice(2).length ? process.argv.slice(2) : ['win10.iso', 'win11-esd.iso', 'win11-big.iso']).map((n) => join(media, n));

function timeIt(fn) {
  const times = [];
  let last;
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    last = fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], last };
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

const mediaLib = await import(pathToFileURL(resolve('dist/src/media/index.js')).href);

/** Inspect inside one long-lived process, as the catalog scan does: no Node start-up. */
async function timeInProcess(iso) {
  const times = [];
  let bytes = 0;
  for (let i = 0; i < RUNS + 1; i++) {
    const t0 = process.hrtime.bigint();
    const image = await mediaLib.openImageFile(iso);
    const report = await mediaLib.inspectImage(image);
    await image.close();
    if (i > 0) times.push(Number(process.hrtime.bigint() - t0) / 1e6); // first run warms the JIT
    bytes = report.bytesRead;
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], bytes };
}

function vizorInspect(iso) {
  return JSON.parse(run(process.execPath, ['bin/vizor.js', 'media', 'inspect', '--json', iso]));
}

function canLoopMount(iso) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-mnt-'));
  const r = spawnSync('mount', ['-o', 'loop,ro', iso, dir], { encoding: 'utf8' });
  if (r.status === 0) spawnSync('umount', [dir]);
  rmSync(dir, { recursive: true, force: true });
  return r.status === 0 ? null : r.stderr.trim().split('\n')[0];
}

function oldWayMount(iso, installPath) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-mnt-'));
  try {
    run('mount', ['-o', 'loop,ro', iso, dir]);
    const loop = run('findmnt', ['-n', '-o', 'SOURCE', dir]).trim().replace('/dev/', '');
    const before = Number(readFileSync(`/sys/block/${loop}/stat`, 'utf8').trim().split(/\s+/)[2]);
    const out = run('wimlib-imagex', ['info', join(dir, installPath)]);
    const after = Number(readFileSync(`/sys/block/${loop}/stat`, 'utf8').trim().split(/\s+/)[2]);
    return { out, bytes: (after - before) * 512 };
  } finally {
    spawnSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  }
}

function oldWayExtract(iso, installPath) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-7z-'));
  try {
    run('7zz', ['x', '-y', `-o${dir}`, iso, installPath.replace(/^\//, '')]);
    const file = join(dir, installPath);
    const out = run('wimlib-imagex', ['info', file]);
    return { out, bytes: statSync(file).size };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (n) => (n >= 1 << 30 ? `${(n / 2 ** 30).toFixed(2)} GiB` : n >= 1 << 20 ? `${(n / 2 ** 20).toFixed(2)} MiB` : `${(n / 1024).toFixed(1)} KiB`);
for (const tool of ['wimlib-imagex', '7zz']) {
  if (spawnSync('which', [tool]).status !== 0) throw new Error(`${tool} not found: run 'bash scripts/deps.sh' (Debian packages wimtools, 7zip)`);
}
if (!existsSync('dist/src/cli/main.js')) throw new Error("vizor is not built: run 'npm run build'");

console.log(`media inspect benchmark, median of ${RUNS} runs each, images in ${media}`);
const rows = [];
for (const iso of images) {
  const report = vizorInspect(iso);
  const installPath = report.windows?.installImage?.path;
  if (!installPath) throw new Error(`${iso}: not Windows install media`);
  const mountProblem = canLoopMount(iso);
  const method = mountProblem ? '7z extract + wimlib-imagex info' : 'loop mount + wimlib-imagex info';
  const v = timeIt(() => vizorInspect(iso));
  const p = await timeInProcess(iso);
  const o = timeIt(() => (mountProblem ? oldWayExtract(iso, installPath) : oldWayMount(iso, installPath)));
  const wimlibImages = Number(/Image Count:\s+(\d+)/.exec(o.last.out)?.[1]);
  if (wimlibImages !== v.last.windows.editions.length) throw new Error(`${iso}: vizor saw ${v.last.windows.editions.length} editions, wimlib ${wimlibImages}`);
  rows.push({ iso: iso.split('/').pop(), size: statSync(iso).size, method, vizorMs: v.ms, inProcMs: p.ms, oldMs: o.ms, vizorBytes: v.last.bytesRead, oldBytes: o.last.bytes, mountProblem });
}
for (const r of rows) {
  console.log(`\n${r.iso} (${fmt(r.size)}, install image editions agree)`);
  console.log(`  vizor media inspect (CLI)    ${r.vizorMs.toFixed(0).padStart(7)} ms   read ${fmt(r.vizorBytes)}  (includes Node start-up)`);
  console.log(`  vizor inspect in-process     ${r.inProcMs.toFixed(1).padStart(7)} ms   (what a catalog scan spends per ISO)`);
  console.log(`  old way: ${r.method.padEnd(20)}${r.oldMs.toFixed(0).padStart(7)} ms   read ${r.mountProblem ? '≥ ' : ''}${fmt(r.oldBytes)}`);
  console.log(`  ratio old/vizor: CLI ${(r.oldMs / r.vizorMs).toFixed(2)}x, in-process ${(r.oldMs / r.inProcMs).toFixed(2)}x; bytes read ${(r.oldBytes / r.vizorBytes).toFixed(0)}x fewer`);
  if (r.mountProblem) console.log(`  (loop mount unavailable here: ${r.mountProblem})`);
}
